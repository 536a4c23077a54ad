/**
 * WebSocket text frames built by the relay itself (RFC 6455 §5.2: FIN, opcode 1, server frames are not
 * masked). A routed event is encoded once, into one buffer, and that buffer is written as it is to every
 * recipient's TCP socket: no per-recipient header, copy or second write, which is most of what a
 * delivery costs in `ws.send`.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text)
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + length)
  frame[0] = 0x81
  if (head === 2) {
    frame[1] = length
  } else if (head === 4) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.write(text, head, 'utf8')
  return frame
}
