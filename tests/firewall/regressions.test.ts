import { describe, expect, it } from 'vitest';
import { classifyPath } from '#firewall/paths.js';
import { createFirewall } from '#firewall/firewall.js';
import { tempDir } from '../helpers/audit.js';

describe('firewall regressions', () => {
  it('a home directory under /tmp is still home: rm -rf ~ is not a temp clean-up', async () => {
    expect(classifyPath('~', '/work', '/tmp/home-x', '/tmp')).toBe('home');
    expect(classifyPath('/tmp/home-x/.ssh', '/work', '/tmp/home-x', '/tmp')).toBe('home_child');
    expect(classifyPath('/tmp/other', '/work', '/tmp/home-x', '/tmp')).toBe('temp');
    const fw = createFirewall({ stateDir: tempDir(), home: '/tmp/home-x' });
    const d = await fw.evaluate({ tool: 'Bash', input: { command: 'rm -rf ~' }, cwd: '/work' });
    expect(d.decision).toBe('BLOCK');
  });
});
