// smtp.mjs: a real SMTP server for tests. startSmtp() runs Debian's
// python3-aiosmtpd (with /usr/bin/python3: the python3 first on PATH may
// not have Debian's packages) on a free loopback port, and collects every
// message it receives, parsed by Python's e-mail package: the subject and
// the text come back decoded, as a mail client would show them, so a test
// checks that Thai arrived intact, not how it was encoded.
//
//   const smtp = await startSmtp();
//   … start khet with KHET_SMTP_URL: smtp.url …
//   const m = await smtp.waitFor((m) => m.to.includes('a@example.com'));
//   m.subject, m.text, m.from, m.to, m.headers['message-id'], m.raw
//   await smtp.stop();
import { spawn } from 'node:child_process';

// Prints its port, then one JSON line per message; ends when stdin closes
// (so it never outlives the test process) or on SIGTERM.
const SCRIPT = `
import asyncio, json, sys, email, email.policy, signal
from aiosmtpd.smtp import SMTP
class H:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = m.get_body(('plain',))
        text = part.get_content() if part is not None else ''
        rec = {'from': envelope.mail_from, 'to': list(envelope.rcpt_tos),
               'subject': str(m.get('subject', '')), 'text': text.replace('\\r\\n', '\\n'),
               'headers': {k.lower(): str(v) for k, v in m.items()},
               'raw': envelope.content.decode('utf-8', 'replace'), 'defects': len(m.defects)}
        sys.stdout.write(json.dumps(rec) + '\\n'); sys.stdout.flush()
        return '250 Message accepted'
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: SMTP(H(), hostname='khet-test'), '127.0.0.1', 0)
    print(srv.sockets[0].getsockname()[1], flush=True)
    stop = loop.create_future()
    def on_stdin():
        if not sys.stdin.buffer.read1(4096) and not stop.done(): stop.set_result(None)
    loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    await stop
asyncio.run(main())
`;

export async function startSmtp() {
  const proc = spawn('/usr/bin/python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const received = [];
  const waiters = new Set();
  let out = '';
  let port;
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the test SMTP server did not start:\n' + stderr)), 15000);
    proc.on('error', (err) => { clearTimeout(t); reject(new Error('cannot run /usr/bin/python3: ' + err.message)); });
    proc.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`the test SMTP server exited ${code} (is python3-aiosmtpd installed?):\n${stderr}`));
    });
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (port === undefined) {
          port = Number(line);
          clearTimeout(t);
          resolve();
          continue;
        }
        received.push(JSON.parse(line));
        for (const w of waiters) w();
      }
    });
  });
  await ready;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    // Every message received so far, oldest first.
    async messages() { return received.slice(); },
    // The first message (received already or later) for which predicate
    // is true; rejects after timeoutMs.
    waitFor(predicate = () => true, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = received.find(predicate);
          if (!m) return false;
          waiters.delete(check);
          clearTimeout(t);
          resolve(m);
          return true;
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms; received: ` +
            JSON.stringify(received.map((m) => ({ to: m.to, subject: m.subject })))));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const done = new Promise((r) => proc.on('exit', r));
      proc.stdin.end();
      proc.kill('SIGTERM');
      await done;
    },
  };
}
