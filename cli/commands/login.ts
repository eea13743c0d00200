import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import * as z from 'zod';
import { UsageError } from '#cli/errors';
import { type CliIo, EXIT_OK, processIo } from '#cli/io';

/**
 * `outcall login` and `outcall token`: a person's sign-in to the people's API from a terminal.
 *
 * The app client is public (no secret), so the CLI uses the authorization code flow with PKCE (RFC 7636) through
 * the pool's sign-in pages, as native apps should (RFC 8252): it listens on the loopback address the stack registers
 * as a callback (`http://localhost:8976/callback` by default), the person signs in (with their authenticator code)
 * in a browser, and the code is exchanged for tokens that only this process could redeem. Tokens are kept in a file
 * only the user can read; `outcall token` prints a valid id token (refreshing it when needed) for scripts:
 * `curl -H "Authorization: Bearer $(outcall token)" "$PEOPLE_API/campaigns"`. Tokens are never printed otherwise.
 */

export const DEFAULT_PORT = 8976;
const CALLBACK_PATH = '/callback';
/** Refresh a little before expiry, so a token printed for a request does not lapse on the way. */
const EXPIRY_MARGIN_MS = 60_000;

const tokenResponseSchema = z.object({
  id_token: z.string().min(1),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  token_type: z.string(),
});

const savedTokensSchema = z.object({
  signInUrl: z.string().url(),
  clientId: z.string().min(1),
  idToken: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO time the id and access tokens expire. */
  expiresAt: z.string().datetime(),
});
export type SavedTokens = z.infer<typeof savedTokensSchema>;

export interface LoginOptions {
  signInUrl?: string;
  clientId?: string;
  port?: string;
  tokenFile?: string;
  /** Seconds to wait for the browser. */
  timeout?: string;
}

export interface LoginDeps {
  /** Called with the URL to open; default prints it. Tests play the browser here. */
  openBrowser?: (url: string) => void | Promise<void>;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** Where tokens are kept: `$OUTCALL_TOKEN_FILE`, else `$XDG_CONFIG_HOME/outcall/tokens.json` (`~/.config/…`). */
export function defaultTokenFile(): string {
  if (process.env.OUTCALL_TOKEN_FILE) return process.env.OUTCALL_TOKEN_FILE;
  const config = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(config, 'outcall', 'tokens.json');
}

/** Verifier and S256 challenge (RFC 7636 §4.1–4.2): 64 unreserved characters from 48 random bytes. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function signInBase(raw: string | undefined): string {
  const value = raw ?? process.env.OUTCALL_SIGN_IN_URL;
  if (!value) throw new UsageError('the sign-in URL is unknown: pass --sign-in-url <PeopleSignInUrl> (a stack output)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--sign-in-url is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.hostname !== 'localhost' && url.hostname !== '127.0.0.1')
    throw new UsageError('--sign-in-url must be https (the PeopleSignInUrl stack output)');
  return url.origin;
}

function clientIdOf(raw: string | undefined): string {
  const value = raw ?? process.env.OUTCALL_CLIENT_ID;
  if (!value) throw new UsageError('the app client is unknown: pass --client-id <PeopleAppClientId> (a stack output)');
  return value;
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65_535) throw new UsageError(`${name} must be a whole number, got ${raw}`);
  return n;
}

/** Signs in through the browser and saves the tokens; returns when they are saved. */
export async function login(options: LoginOptions, io: CliIo, deps: LoginDeps = {}): Promise<SavedTokens> {
  const signInUrl = signInBase(options.signInUrl);
  const clientId = clientIdOf(options.clientId);
  const port = positiveInt(options.port, DEFAULT_PORT, '--port');
  const timeoutMs = positiveInt(options.timeout, 300, '--timeout') * 1000;
  const file = options.tokenFile ?? defaultTokenFile();
  const now = deps.now ?? (() => new Date());
  const redirectUri = `http://localhost:${port}${CALLBACK_PATH}`;
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');

  const authorize = new URL('/oauth2/authorize', signInUrl);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  }).toString();

  const code = await waitForCode(port, state, timeoutMs, async () => {
    io.err('Open this address in a browser and sign in (with your authenticator code):');
    io.err(authorize.toString());
    await deps.openBrowser?.(authorize.toString());
  });
  const tokens = await tokenRequest(
    signInUrl,
    {
      grant_type: 'authorization_code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      code,
    },
    deps.fetch ?? fetch,
  );
  if (!tokens.refresh_token) throw new UsageError('the sign-in service returned no refresh token');
  const saved: SavedTokens = {
    signInUrl,
    clientId,
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: new Date(now().getTime() + tokens.expires_in * 1000).toISOString(),
  };
  await saveTokens(file, saved);
  const who = identityOf(saved.idToken);
  io.out(`signed in${who.email ? ` as ${who.email}` : ''}${who.groups.length ? ` (${who.groups.join(', ')})` : ''}`);
  io.out(`tokens saved to ${file}; \`outcall token\` prints the id token for the people's API`);
  return saved;
}

/** A valid id token from the saved ones, refreshed first when it expires within a minute. */
export async function currentIdToken(
  options: { tokenFile?: string },
  deps: Pick<LoginDeps, 'fetch' | 'now'> = {},
): Promise<string> {
  const file = options.tokenFile ?? defaultTokenFile();
  const now = deps.now ?? (() => new Date());
  const saved = await loadTokens(file);
  if (Date.parse(saved.expiresAt) - EXPIRY_MARGIN_MS > now().getTime()) return saved.idToken;
  const tokens = await tokenRequest(
    saved.signInUrl,
    { grant_type: 'refresh_token', client_id: saved.clientId, refresh_token: saved.refreshToken },
    deps.fetch ?? fetch,
  );
  const next: SavedTokens = {
    ...saved,
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    // Cognito keeps the refresh token unless rotation is on; take a new one when it is given.
    refreshToken: tokens.refresh_token ?? saved.refreshToken,
    expiresAt: new Date(now().getTime() + tokens.expires_in * 1000).toISOString(),
  };
  await saveTokens(file, next);
  return next.idToken;
}

/** Serves the loopback callback until the browser brings the code for `state` back, or the time runs out. */
function waitForCode(port: number, state: string, timeoutMs: number, ready: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://localhost:${port}`);
      if (url.pathname !== CALLBACK_PATH) {
        res.writeHead(404).end();
        return;
      }
      const page = (status: number, text: string) =>
        res
          .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
          .end(`${text}\n`);
      const error = url.searchParams.get('error');
      // A stray request (another tab, an old link) must not end the wait or be taken for the answer.
      if (url.searchParams.get('state') !== state) {
        page(400, 'This sign-in link is not the one outcall is waiting for. Run `outcall login` again.');
        return;
      }
      if (error) {
        page(400, `Sign-in failed: ${error}. You can close this tab.`);
        finish(() =>
          reject(new UsageError(`sign-in failed: ${error} ${url.searchParams.get('error_description') ?? ''}`.trim())),
        );
        return;
      }
      const code = url.searchParams.get('code');
      if (!code) {
        page(400, 'The sign-in service sent no code. Run `outcall login` again.');
        return;
      }
      page(200, 'Signed in to outcall. You can close this tab.');
      finish(() => resolve(code));
    });
    const timer = setTimeout(
      () =>
        finish(() => reject(new UsageError(`no sign-in within ${timeoutMs / 1000} s; run \`outcall login\` again`))),
      timeoutMs,
    );
    function finish(done: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
      done();
    }
    server.on('error', (e: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          new UsageError(
            e.code === 'EADDRINUSE'
              ? `port ${port} is in use; free it or sign in with --port <n> (the stack must list http://localhost:<n>/callback in signInCallbackUrls)`
              : `cannot listen on port ${port}: ${e.message}`,
          ),
        ),
      ),
    );
    // The registered callback is http://localhost:<port>: loopback only, never reachable from the network.
    server.listen(port, '127.0.0.1', () => {
      ready().catch((e: unknown) => finish(() => reject(e)));
    });
  });
}

async function tokenRequest(
  signInUrl: string,
  form: Record<string, string>,
  fetchFn: typeof fetch,
): Promise<z.infer<typeof tokenResponseSchema>> {
  let response: Response;
  try {
    response = await fetchFn(new URL('/oauth2/token', signInUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  } catch (error) {
    throw new UsageError(`cannot reach the sign-in service: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    const hint = form.grant_type === 'refresh_token' ? '; run `outcall login` again' : '';
    throw new UsageError(`the sign-in service refused the ${form.grant_type} request: ${reason}${hint}`);
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) throw new UsageError('the sign-in service answered with something that is not a token response');
  return parsed.data;
}

async function saveTokens(file: string, tokens: SavedTokens): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written beside and renamed, so a reader never sees half a file; readable by the user only.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

async function loadTokens(file: string): Promise<SavedTokens> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`not signed in (no ${file}); run \`outcall login\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not a token file; run \`outcall login\` again`);
  }
  const parsed = savedTokensSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${file} is not a token file; run \`outcall login\` again`);
  return parsed.data;
}

/** The e-mail and groups an id token names (read, not verified: the API verifies it). */
function identityOf(idToken: string): { email?: string; groups: string[] } {
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      email?: unknown;
      'cognito:groups'?: unknown;
    };
    return {
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      groups: Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].map(String) : [],
    };
  } catch {
    return { groups: [] };
  }
}

export function register(program: Command, io: CliIo = processIo, deps: LoginDeps = {}): void {
  program
    .command('login')
    .description("Sign in to the people's API through the browser (authorization code with PKCE)")
    .option('--sign-in-url <url>', 'the PeopleSignInUrl stack output; default OUTCALL_SIGN_IN_URL')
    .option('--client-id <id>', 'the PeopleAppClientId stack output; default OUTCALL_CLIENT_ID')
    .option('--port <n>', `loopback port registered as a callback (default ${DEFAULT_PORT})`)
    .option(
      '--token-file <path>',
      'where to keep the tokens; default OUTCALL_TOKEN_FILE or ~/.config/outcall/tokens.json',
    )
    .option('--timeout <seconds>', 'how long to wait for the browser (default 300)')
    .action(async (opts: LoginOptions) => {
      await login(opts, io, deps);
      io.setExitCode(EXIT_OK);
    });
  program
    .command('token')
    .description("Print a valid id token for the people's API (refreshed when it is about to expire)")
    .option('--token-file <path>', 'the token file `outcall login` wrote')
    .action(async (opts: { tokenFile?: string }) => {
      io.out(await currentIdToken(opts, deps));
      io.setExitCode(EXIT_OK);
    });
}
