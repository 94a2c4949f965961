// What a thrown value says, for a log line, an outbox error or a message: an Error's message (its
// name when the message is empty), anything else as a string. One home for the idiom.
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : String(error);
}
