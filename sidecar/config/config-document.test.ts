// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files use ${VAR} interpolation, written literally here
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigDocument } from './config-document.js';
import { ConfigError } from './config-error.js';

describe('parseConfigDocument', () => {
  const text = [
    '# a comment with ${NOT_A_VAR}',
    'routes:',
    '  - model: gpt-4o',
    '    targets:',
    '      - name: primary',
    '        endpoint: ${BASE:-https://api.openai.com/v1}',
    '        apiKey: "${KEY}"',
    'port: ${PORT}',
    'flag: ${FLAG}',
    'quoted: "${PORT}"',
  ].join('\n');

  it('interpolates values, types plain scalars, leaves comments alone', () => {
    const doc = parseConfigDocument(text, 'c.yaml', { KEY: 'k: with colon', PORT: '4000', FLAG: 'true' });
    assert.deepEqual(doc.value, {
      routes: [
        {
          model: 'gpt-4o',
          targets: [{ name: 'primary', endpoint: 'https://api.openai.com/v1', apiKey: 'k: with colon' }],
        },
      ],
      port: 4000,
      flag: true,
      quoted: '4000',
    });
  });

  it('knows the line of every field and of the nearest parent of a missing one', () => {
    const doc = parseConfigDocument(text, 'c.yaml', { KEY: 'k', PORT: '1', FLAG: 'x' });
    assert.deepEqual(doc.positionOf(['routes', 0, 'targets', 0, 'endpoint']), { line: 6, column: 19 });
    assert.equal(doc.positionOf(['routes', 0, 'targets', 0, 'apiKey'])?.line, 7);
    assert.equal(
      doc.positionOf(['routes', 0, 'targets', 0, 'provider'])?.line,
      5,
      'missing: the target itself',
    );
    assert.equal(doc.positionOf(['port'])?.line, 8);
  });

  it('names every unset variable with its line', () => {
    assert.throws(
      () => parseConfigDocument(text, '/etc/sidecar.yaml', { PORT: '1', FLAG: 'x' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^\/etc\/sidecar\.yaml:7:17: environment variable KEY is not set/m);
        assert.equal(err.problems.length, 1);
        return true;
      },
    );
  });

  it('reports YAML syntax errors with file and line', () => {
    assert.throws(
      () => parseConfigDocument('routes:\n  - model: a\n   bad: [unclosed\n', 'bad.yaml', {}),
      /bad\.yaml:3:1: YAML: Sequence item without - indicator\n/,
    );
    assert.throws(
      () => parseConfigDocument('a: 1\na: 2\n', 'dup.yaml', {}),
      /dup\.yaml:2:1: YAML: .*unique/i,
    );
  });
});
