import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentIdToken, type LoginDeps, login, pkcePair } from '#cli/commands/login';
import { UsageError } from '#cli/errors';
import { buildProgram } from '#cli/main';
import { fakeIo } from './fake-io.ts';

/** A token as Cognito shapes it (header.payload.signature); only the payload matters here. */
const jwt = (claims: Record<string, unknown>) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

/** The pool's token endpoint: checks PKCE the way Cognito does and hands out numbered tokens. */
class FakeCognito {
  readonly challenges = new Map<string, string>();
  readonly requests: URLSearchParams[] = [];
  issued = 0;
  refuse?: string;
  #server?: Server;
  url = '';

  async start() {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        this.requests.push(form);
        const reply = (status: number, json: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (req.url !== '/oauth2/token' || req.method !== 'POST') return reply(404, { error: 'not_found' });
        if (this.refuse) return reply(400, { error: this.refuse });
        if (form.get('client_id') !== 'client-1') return reply(400, { error: 'invalid_client' });
        if (form.get('grant_type') === 'authorization_code') {
          const challenge = this.challenges.get(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const computed = createHash('sha256').update(verifier).digest('base64url');
          if (!challenge || computed !== challenge) return reply(400, { error: 'invalid_grant' });
        } else if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-1') {
          return reply(400, { error: 'invalid_grant' });
        }
        this.issued += 1;
        return reply(200, {
          id_token: jwt({ email: 'planner1@corp.example', 'cognito:groups': ['planner'], n: this.issued }),
          access_token: `access-${this.issued}`,
          ...(form.get('grant_type') === 'authorization_code' ? { refresh_token: 'refresh-1' } : {}),
          expires_in: 3600,
          token_type: 'Bearer',
        });
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop() {
    this.#server?.closeAllConnections();
    this.#server?.close();
  }

  /** Plays the person in the browser: signs in, and the pool redirects back with a code (or what `answer` says). */
  browser(answer: (authorize: URL) => Record<string, string> = () => ({})): LoginDeps['openBrowser'] {
    return async (address) => {
      const authorize = new URL(address);
      const code = `code-${this.challenges.size + 1}`;
      this.challenges.set(code, authorize.searchParams.get('code_challenge') ?? '');
      const back = new URL(authorize.searchParams.get('redirect_uri') ?? '');
      back.search = new URLSearchParams({
        code,
        state: authorize.searchParams.get('state') ?? '',
        ...answer(authorize),
      }).toString();
      // The browser follows the redirect after the command has printed the address; not awaited by the command.
      setTimeout(() => void fetch(back).catch(() => {}), 10);
    };
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('outcall login / token', () => {
  let cognito: FakeCognito;
  let dir: string;
  beforeEach(async () => {
    cognito = new FakeCognito();
    await cognito.start();
    dir = await mkdtemp(join(tmpdir(), 'outcall-login-'));
  });
  afterEach(() => cognito.stop());

  it('makes an S256 challenge of its verifier', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(pkcePair().verifier).not.toBe(verifier);
  });

  it('signs in with PKCE through the loopback callback and keeps the tokens for the user only', async () => {
    const { io, cli } = fakeIo();
    const port = await freePort();
    const tokenFile = join(dir, 'nested', 'tokens.json');
    const saved = await login(
      { signInUrl: cognito.url, clientId: 'client-1', port: String(port), tokenFile, timeout: '10' },
      cli,
      { openBrowser: cognito.browser(), now: () => new Date('2027-03-01T00:00:00Z') },
    );

    const authorize = new URL(io.stderr.find((l) => l.includes('/oauth2/authorize')) ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/callback`);
    expect(authorize.searchParams.get('client_id')).toBe('client-1');
    const exchange = cognito.requests[0];
    expect(exchange?.get('grant_type')).toBe('authorization_code');
    expect(exchange?.get('redirect_uri')).toBe(`http://localhost:${port}/callback`);
    expect(saved.expiresAt).toBe('2027-03-01T01:00:00.000Z');
    expect(JSON.parse(await readFile(tokenFile, 'utf8'))).toEqual(saved);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect(io.stdout[0]).toBe('signed in as planner1@corp.example (planner)');
    // No token in anything printed.
    expect([...io.stdout, ...io.stderr].join('\n')).not.toMatch(/access-1|refresh-1|e30\./);
  });

  it('ignores a callback that does not carry its state, and fails clearly when sign-in is refused', async () => {
    const { cli } = fakeIo();
    const port = await freePort();
    const tokenFile = join(dir, 'tokens.json');
    const strayThenDenied: LoginDeps['openBrowser'] = async (address) => {
      const authorize = new URL(address);
      const back = new URL(authorize.searchParams.get('redirect_uri') ?? '');
      back.search = 'code=forged&state=not-the-state';
      const stray = await fetch(back);
      expect(stray.status).toBe(400);
      back.search = new URLSearchParams({
        error: 'access_denied',
        state: authorize.searchParams.get('state') ?? '',
      }).toString();
      setTimeout(() => void fetch(back).catch(() => {}), 10);
    };
    await expect(
      login({ signInUrl: cognito.url, clientId: 'client-1', port: String(port), tokenFile, timeout: '10' }, cli, {
        openBrowser: strayThenDenied,
      }),
    ).rejects.toThrow(/sign-in failed: access_denied/);
    expect(cognito.requests).toHaveLength(0);
    await expect(stat(tokenFile)).rejects.toThrow();
  });

  it('refuses a code exchange whose verifier does not match (the pool says so) and saves nothing', async () => {
    const { cli } = fakeIo();
    const port = await freePort();
    const tokenFile = join(dir, 'tokens.json');
    const otherChallenge = cognito.browser();
    await expect(
      login({ signInUrl: cognito.url, clientId: 'client-1', port: String(port), tokenFile, timeout: '10' }, cli, {
        openBrowser: async (address) => {
          const url = new URL(address);
          url.searchParams.set('code_challenge', pkcePair().challenge);
          await otherChallenge?.(url.toString());
        },
      }),
    ).rejects.toThrow(/refused the authorization_code request: invalid_grant/);
    await expect(stat(tokenFile)).rejects.toThrow();
  });

  it('prints the saved id token while it is valid and refreshes it a minute before it expires', async () => {
    const { cli } = fakeIo();
    const tokenFile = join(dir, 'tokens.json');
    const port = await freePort();
    const saved = await login(
      { signInUrl: cognito.url, clientId: 'client-1', port: String(port), tokenFile, timeout: '10' },
      cli,
      { openBrowser: cognito.browser(), now: () => new Date('2027-03-01T00:00:00Z') },
    );
    const before = cognito.requests.length;
    expect(await currentIdToken({ tokenFile }, { now: () => new Date('2027-03-01T00:58:00Z') })).toBe(saved.idToken);
    expect(cognito.requests).toHaveLength(before);

    const refreshed = await currentIdToken({ tokenFile }, { now: () => new Date('2027-03-01T00:59:30Z') });
    expect(refreshed).not.toBe(saved.idToken);
    expect(cognito.requests.at(-1)?.get('grant_type')).toBe('refresh_token');
    const file = JSON.parse(await readFile(tokenFile, 'utf8'));
    expect(file).toMatchObject({
      idToken: refreshed,
      refreshToken: 'refresh-1',
      expiresAt: '2027-03-01T01:59:30.000Z',
    });

    cognito.refuse = 'invalid_grant';
    await expect(currentIdToken({ tokenFile }, { now: () => new Date('2027-03-01T03:00:00Z') })).rejects.toThrow(
      /refresh_token request: invalid_grant; run `outcall login` again/,
    );
  });

  it('explains a missing sign-in, a damaged token file and missing settings as usage errors (exit 2)', async () => {
    await expect(currentIdToken({ tokenFile: join(dir, 'none.json') })).rejects.toThrow(/not signed in/);
    await writeFile(join(dir, 'bad.json'), '{"idToken": 1}');
    await expect(currentIdToken({ tokenFile: join(dir, 'bad.json') })).rejects.toThrow(UsageError);

    const { io, cli } = fakeIo();
    const env = { ...process.env };
    delete process.env.OUTCALL_SIGN_IN_URL;
    try {
      await buildProgram(cli)
        .parseAsync(['node', 'outcall', 'login', '--client-id', 'client-1'])
        .catch((e: unknown) => {
          if (!(e instanceof UsageError)) throw e;
          io.stderr.push(e.message);
        });
    } finally {
      process.env = env;
    }
    expect(io.stderr.join('\n')).toMatch(/sign-in URL is unknown: pass --sign-in-url/);
    await expect(
      login({ signInUrl: 'http://sign-in.example', clientId: 'c' }, cli, { openBrowser: async () => {} }),
    ).rejects.toThrow(/must be https/);
  });
});
