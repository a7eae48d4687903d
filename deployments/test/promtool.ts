// Debian's promtool and prometheus for the deployment tests: a missing binary fails the test, never skips it.
import { spawnSync } from 'node:child_process';

const installHint = 'install it with `apt-get install -y prometheus` (Debian package; .ci/run does this in CI)';

/** The path of a binary on PATH; throws naming the package when it is missing. */
export function requireBinary(name: 'promtool' | 'prometheus'): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') throw new Error(`${name} is not on PATH: ${installHint}`);
  return path;
}

export interface ToolResult {
  status: number | null;
  output: string;
}

export function promtool(args: string[], options: { cwd?: string; input?: string } = {}): ToolResult {
  const binary = requireBinary('promtool');
  const run = spawnSync(binary, args, { cwd: options.cwd, input: options.input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`promtool ${args.join(' ')} did not run: ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** `promtool check metrics` on an exposition text: every problem it reports. */
export function metricsLintProblems(exposition: string): string[] {
  const result = promtool(['check', 'metrics'], { input: exposition });
  const problems = result.output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (result.status !== 0 && problems.length === 0 && result.status !== 3)
    return [`promtool check metrics exited ${result.status}: ${result.output}`];
  return problems;
}
