import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * No secret in the repository: every tracked file is read and searched for key material, and
 * the local key folder (.data/) is never tracked.
 */
const PATTERNS: [string, RegExp][] = [
  ['PEM private key', /-----BEGIN (?:RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/],
  ['AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['AWS secret access key assignment', /aws_secret_access_key\s*[=:]\s*['"]?[A-Za-z0-9/+=]{40}/i],
  ['private JWK (EC/RSA "d" parameter)', /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
  ['generic secret assignment', /(?:secret|password|passwd|token)["']?\s*[:=]\s*["'][A-Za-z0-9/+=_-]{32,}["']/i],
];

const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);

describe('the repository', () => {
  it('tracks no node_modules, cdk.out, .data or key files', () => {
    expect(tracked.filter((f) => /^(node_modules|cdk\.out|\.data)\//.test(f) || /local-keys\.json$|\.pem$|\.key$/.test(f))).toEqual([]);
  });

  it('holds no key material or credentials in any tracked file', () => {
    const findings: string[] = [];
    for (const file of tracked) {
      if (file === 'package-lock.json' || file.startsWith('test/security/')) continue;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const [what, re] of PATTERNS) if (re.test(text)) findings.push(`${file}: ${what}`);
    }
    expect(findings).toEqual([]);
  });

  it('would notice one (the patterns are live)', () => {
    const sample = ['-----BEGIN PRIVATE KEY-----', 'AKIAIOSFODNN7EXAMPLE', '"d": "' + 'x'.repeat(43) + '"'];
    for (const s of sample) expect(PATTERNS.some(([, re]) => re.test(s)), s).toBe(true);
  });
});
