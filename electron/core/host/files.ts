// Files the station hands to the page by URL (browser mode serves them, to the session's page only):
// a label saved as a PDF when no printer could take it. Only names the journal writes are served.
export const LAST_RESORT_PREFIX = '/files/last-resort/';

/** The name of a saved label PDF: label-<label id>-<first 8 hex of its sha256>.pdf. */
const LAST_RESORT_NAME = /^label-\d{1,12}-[0-9a-f]{8}\.pdf$/;

export function isLastResortName(name: string): boolean {
  return LAST_RESORT_NAME.test(name);
}

/** The URL the page opens for a saved label file, or null when it is not a PDF the host serves. */
export function lastResortHref(fileName: string): string | null {
  return isLastResortName(fileName) ? `${LAST_RESORT_PREFIX}${fileName}` : null;
}
