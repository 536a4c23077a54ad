/** An error a REST handler answers as `{statusCode, error, message, field?}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export const badRequest = (field: string, message: string) => new HttpError(400, message, field)
export const notFound = (what: string) => new HttpError(404, `${what} not found`)
export const forbidden = (message: string) => new HttpError(403, message)
