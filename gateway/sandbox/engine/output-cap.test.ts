import { describe, expect, it } from 'vitest';
import { HeadTailBuffer } from './output-cap.js';
import { killScript } from './exec-runner.js';

describe('head+tail output cap', () => {
  it('keeps everything under the cap', () => {
    const b = new HeadTailBuffer(10);
    b.push(Buffer.from('abc'));
    b.push(Buffer.from('def'));
    expect(b.text()).toBe('abcdef');
    expect(b.dropped).toBe(0);
  });

  it('keeps the head and the tail across chunks and counts the middle', () => {
    const b = new HeadTailBuffer(6);
    for (const c of ['ab', 'cdef', 'ghij', 'k', 'lmnop']) b.push(Buffer.from(c));
    expect(b.dropped).toBe(16 - 6);
    expect(b.text()).toBe('abc\n[… 10 bytes left out …]\nnop');
  });
});

describe('in-container kill script', () => {
  it('matches the exact marker and skips itself', () => {
    const s = killScript('1234-abcd');
    expect(s).toContain("grep -qx 'OPENCLAW_EXEC_ID=1234-abcd'");
    expect(s).toContain('[ "$pid" = "$$" ] && continue');
  });
});
