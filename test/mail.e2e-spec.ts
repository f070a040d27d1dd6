import { SMTPServer } from 'smtp-server';
import { register } from './support/accounts';
import { BackgroundTasks } from '../src/common/background/background-tasks';
import { closedPort } from './support/tcp-proxy';
import { createTestApp, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on a loopback port: the mail goes through nodemailer and the wire. */
async function startSmtp(): Promise<{ server: SMTPServer; port: number; inbox: Received[] }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return { server, port: address.port, inbox };
}

describe('mail over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Auth <auth@example.test>',
        APP_URL: 'https://app.example.test',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  it('delivers the reset mail, in text and HTML, with the link from APP_URL', async () => {
    const user = await register(t);
    await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    const mail = await eventually(
      () =>
        Promise.resolve(
          smtp.inbox.find((m) => m.to.includes(user.email) && /Reset your password/.test(m.data)),
        ),
      (found) => found !== undefined,
    );
    expect(mail).toMatchObject({ from: 'auth@example.test', to: [user.email] });
    const data = mail?.data ?? '';
    expect(data).toMatch(/^Subject: Reset your password$/m);
    expect(data).toMatch(/Content-Type: text\/plain/);
    expect(data).toMatch(/Content-Type: text\/html/);
    expect(data).toContain('https://app.example.test/reset-password?token=3D'); // quoted-printable "="
  });
});

describe('mail with the SMTP server down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` } });
  });
  afterAll(() => t.close());

  it('answers as usual: a mail failure never changes the HTTP answer', async () => {
    const user = await register(t);
    const res = await t
      .http()
      .post('/api/v1/auth/password/forgot')
      .send({ email: user.email })
      .expect(202);
    expect(res.body).toEqual({
      message: 'If an account exists for this email, a reset link is on its way',
    });
    await t.app.get(BackgroundTasks).settled(); // the failed delivery is logged and dropped
  });
});
