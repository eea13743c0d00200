import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Kills the JVM (and its process group) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** How long to wait for the emulator to answer. Default 60 s (a cold JVM on 2 busy cores is slow). */
  startTimeoutMs?: number;
  /**
   * `startup` (default) compiles with C1 only: the fastest start, right for tests. `throughput` lets the JVM reach
   * its optimising compiler, for runs of tens of thousands of requests (the local demo, benchmarks).
   */
  jit?: 'startup' | 'throughput';
}

export class DynamoDbLocalStartError extends Error {
  override readonly name = 'DynamoDbLocalStartError';
}

/**
 * DynamoDB Local's own main class listens on every interface and has no flag to change that. This launcher builds the
 * server exactly as the jar's main does (same command-line parsing), then points its Jetty connector at 127.0.0.1
 * before starting it. It also exits when its stdin closes, so the emulator dies with the Node process that started it
 * even when that process is SIGKILLed and cannot run its exit hooks.
 */
const LAUNCHER_SOURCE = `
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector) ((ServerConnector) connector).setHost("127.0.0.1");
    }
    Thread watchdog = new Thread(() -> {
      try { while (System.in.read() != -1) { } } catch (java.io.IOException ignored) { }
      Runtime.getRuntime().halt(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    proxy.start();
    System.out.println("outcall: DynamoDB Local listening");
    proxy.join();
  }
}
`;

/** Flags that trade peak JIT performance for start-up time; tests run short. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-Xss1m', '-Xmx512m'];

/**
 * Starts AWS's DynamoDB Local (the jar shipped in `amplify-dynamodb-simulator`) in memory on a free port of
 * 127.0.0.1 and resolves once it answers. Requires `java` (17+) and `javac` on PATH; the small loopback launcher is
 * compiled once into the OS temp directory and reused.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const emulatorDir = findEmulatorDir();
  const launcherDir = compileLauncher(emulatorDir);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const classPath = [launcherDir, join(emulatorDir, 'DynamoDBLocal.jar')].join(':');

  const child = spawn(
    'java',
    [
      ...(options.jit === 'throughput' ? JVM_FLAGS.filter((f) => !f.startsWith('-XX:TieredStopAtLevel')) : JVM_FLAGS),
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-cp',
      classPath,
      'LoopbackDynamoDbLocal',
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // Own process group, so stop() can kill the JVM and anything it forks; stdin is the watchdog's lifeline.
    { cwd: emulatorDir, detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const killGroup = () => killProcessGroup(child);
  process.once('exit', killGroup);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killGroup);
    if (child.exitCode === null && child.signalCode === null) {
      killProcessGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killProcessGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    child.stdin?.destroy();
  };

  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw new DynamoDbLocalStartError(`${(error as Error).message}\n--- emulator output ---\n${output}`);
  }
  // The watchdog must not keep the event loop alive, nor should the piped output.
  child.unref();
  for (const stream of [child.stdout, child.stderr, child.stdin])
    (stream as unknown as { unref?: () => void })?.unref?.();
  return { endpoint, stop };
}

function findEmulatorDir(): string {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  if (!existsSync(join(dir, 'DynamoDBLocal.jar'))) {
    throw new DynamoDbLocalStartError(`DynamoDBLocal.jar not found in ${dir}`);
  }
  return dir;
}

function compileLauncher(emulatorDir: string): string {
  const hash = createHash('sha256').update(LAUNCHER_SOURCE).update(emulatorDir).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `outcall-dynamodb-local-${hash}`);
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
  // Compile into a private directory and rename it into place, so concurrent first runs never see half a class.
  mkdirSync(tmpdir(), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'outcall-dynamodb-local-build-'));
  try {
    const source = join(work, 'LoopbackDynamoDbLocal.java');
    writeFileSync(source, LAUNCHER_SOURCE);
    execFileSync('javac', ['-nowarn', '-cp', join(emulatorDir, 'DynamoDBLocal.jar'), '-d', work, source], {
      stdio: 'pipe',
    });
    try {
      renameSync(work, dir);
    } catch {
      // another process won the race; its output is identical
      rmSync(work, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new DynamoDbLocalStartError(`could not compile the DynamoDB Local launcher (is a JDK installed?)\n${stderr}`);
  }
  if (!readFileSync(join(dir, 'LoopbackDynamoDbLocal.class')).length) {
    throw new DynamoDbLocalStartError(`launcher class in ${dir} is empty`);
  }
  return dir;
}

/** Asks the OS for a free port on 127.0.0.1 (a tiny race remains between closing it and the JVM binding it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let delay = 50;
  let lastError = 'no answer yet';
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      // Any HTTP answer, even a 400 for an unsigned request, means the server is up.
      const response = await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms (${lastError})`);
}

function killProcessGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
