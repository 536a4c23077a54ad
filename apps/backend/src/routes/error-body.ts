import type { ErrorResponse } from '@pp/contracts'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
}

/** Every error answer's body: `{statusCode, error, message, field?}`. */
export function errorBody(statusCode: number, message: string, field?: string): ErrorResponse {
  return {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    message,
    ...(field === undefined ? {} : { field }),
  }
}
