import { SignJWT } from 'jose'
import { BENCH_SECRET, userId, userName } from './ids.js'

const key = new TextEncoder().encode(BENCH_SECRET)

/** A backend token for bench user `index`: HS256, claims sub, name, exp (1 day). */
export async function mintToken(index: number): Promise<string> {
  return new SignJWT({ name: userName(index) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId(index))
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(key)
}
