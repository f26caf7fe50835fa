import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorCode, ErrorBody } from '../../widget/wire-contract.ts';

/** An expected failure: a status, a stable code and a message that names what is wrong. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra fields of the error object, e.g. a budget's `scope`. */
    readonly fields: Omit<ErrorBody['error'], 'code' | 'message'> = {},
  ) {
    super(status, { message });
  }
}

/** `app.onError`: writes `ApiError`s and Hono's own exceptions as JSON, hides everything else. */
export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    const body = { ...error.fields, code: error.code, message: error.message };
    return c.json<ErrorBody>({ error: body }, error.status, error.headers);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return c.json<ErrorBody>({ error: { code: codeForStatus(status), message: error.message } }, status);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled', error: error.name, requestId: c.get('requestId') }));
  return c.json<ErrorBody>({ error: { code: 'internal_error', message: 'Something went wrong on our side.' } }, 500);
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 413) return 'payload_too_large';
  return 'http_error';
}
