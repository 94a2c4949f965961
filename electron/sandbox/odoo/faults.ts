// Odoo exceptions as the sandbox raises them, and their two wire shapes: the JSON-RPC `error.data`
// (HTTP 200) and the JSON-2 body with its HTTP status (odoo/exceptions.py `http_status`, 19).

export class Fault extends Error {
  constructor(
    readonly odooName: string,
    message: string,
  ) {
    super(message);
  }
}

export const userError = (m: string) => new Fault('odoo.exceptions.UserError', m);
export const validationError = (m: string) => new Fault('odoo.exceptions.ValidationError', m);
export const valueError = (m: string) => new Fault('builtins.ValueError', m);
export const typeError = (m: string) => new Fault('builtins.TypeError', m);
export const accessError = (m: string) => new Fault('odoo.exceptions.AccessError', m);
export const accessDenied = () => new Fault('odoo.exceptions.AccessDenied', 'Access Denied');
export const missingError = (m: string) => new Fault('odoo.exceptions.MissingError', m);
export const notFound = (m: string) => new Fault('werkzeug.exceptions.NotFound', m);
export const unprocessable = (m: string) => new Fault('werkzeug.exceptions.UnprocessableEntity', m);
export const serializationFailure = () =>
  new Fault('psycopg2.errors.SerializationFailure', 'could not serialize access due to concurrent update');

/** Odoo's exception serializer: the same dict in JSON-RPC `error.data` and the JSON-2 body. */
export function serializeFault(error: unknown): { name: string; message: string; arguments: unknown[]; context: object; debug: string } {
  const name = error instanceof Fault ? error.odooName : 'builtins.Exception';
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    message,
    arguments: [message],
    context: {},
    debug: `Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 1767, in _serve_db\n    return service_model.retrying(self._serve_ir_http, self.env)\n${name}: ${message}\n`,
  };
}

/** JSON-2's HTTP status for an exception. */
export function json2Status(error: unknown): number {
  const name = error instanceof Fault ? error.odooName : '';
  switch (name) {
    case 'werkzeug.exceptions.Unauthorized':
      return 401;
    case 'odoo.exceptions.AccessError':
    case 'odoo.exceptions.AccessDenied':
      return 403;
    case 'odoo.exceptions.MissingError':
    case 'werkzeug.exceptions.NotFound':
      return 404;
    case 'odoo.exceptions.LockError':
      return 409;
    case 'odoo.exceptions.UserError':
    case 'odoo.exceptions.ValidationError':
    case 'odoo.exceptions.RedirectWarning':
    case 'werkzeug.exceptions.UnprocessableEntity':
      return 422;
    case 'werkzeug.exceptions.BadRequest':
      return 400;
    default:
      return 500;
  }
}
