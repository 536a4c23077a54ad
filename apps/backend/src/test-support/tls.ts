import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type TestTls = {
  /** The throwaway CA's certificate (PEM file and text). */
  caFile: string
  ca: string
  /** A server certificate for localhost and 127.0.0.1 signed by that CA, and its key. */
  certFile: string
  keyFile: string
}

/** Generates a throwaway CA and a server certificate (DNS:localhost, IP:127.0.0.1) with openssl in `dir`. */
export function generateTestTls(dir: string): TestTls {
  const f = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
  openssl(
    'req',
    ...['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Portfolio Planner test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  )
  openssl(
    'req',
    ...['-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr')],
    ...['-subj', '/CN=localhost'],
  )
  writeFileSync(
    f('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  )
  openssl(
    'x509',
    ...['-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial'],
    ...['-days', '2', '-out', f('server.pem'), '-extfile', f('server.ext')],
  )
  return {
    caFile: f('ca.pem'),
    ca: readFileSync(f('ca.pem'), 'utf8'),
    certFile: f('server.pem'),
    keyFile: f('server.key'),
  }
}
