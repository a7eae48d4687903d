import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@shop/devstack';
import { pinnedNodeVersion } from './pinnedNode';

const root = repoRoot();

describe('the pinned Node.js (.node-version)', () => {
  it('is a Node 24 LTS release', () => {
    expect(pinnedNodeVersion(root)).toMatch(/^24\.\d+\.\d+$/);
  });

  it('is what the Makefile puts first on PATH, whatever node the machine has', () => {
    const printed = execFileSync('make', ['-s', '--no-print-directory', '--eval', 'print-node: node ; @node --version', 'print-node'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(printed.trim()).toBe(`v${pinnedNodeVersion(root)}`);
  });

  it('runs the tests (`make test` starts them on it)', () => {
    expect(process.version).toBe(`v${pinnedNodeVersion(root)}`);
  });
});
