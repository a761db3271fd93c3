import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileSettings, withoutCommentLines } from './config-file-settings.js';

const show = (content: string) => fileSettings(content).map((s) => `${s.key}=${s.value}`);

describe('fileSettings', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'YAML, nested, quoted and with inline comments',
      [
        'llm:',
        '  provider: openai',
        '  base_url: https://api.openai.com/v1   # the default',
        "  api_base: 'https://eu.api.openai.com/v1'",
        '  endpoint: "https://x.example/v1" # quoted',
        '  timeout: 30',
      ].join('\n'),
      [
        'provider=openai',
        'base_url=https://api.openai.com/v1',
        'api_base=https://eu.api.openai.com/v1',
        'endpoint=https://x.example/v1',
        'timeout=30',
      ],
    ],
    ['YAML list items', '- name: a\n  baseURL: https://a.example\n', ['name=a', 'baseURL=https://a.example']],
    [
      '.env with and without export, CRLF line ends',
      'export OPENAI_BASE_URL=https://api.openai.com/v1\r\nANTHROPIC_BASE_URL="https://api.anthropic.com"\r\n',
      ['OPENAI_BASE_URL=https://api.openai.com/v1', 'ANTHROPIC_BASE_URL=https://api.anthropic.com'],
    ],
    [
      'TOML and INI, section headers skipped',
      '[llm]\nbase_url = "https://api.mistral.ai/v1"\n; a comment\nendpoint=https://b.example\n',
      ['base_url=https://api.mistral.ai/v1', 'endpoint=https://b.example'],
    ],
    [
      'Java properties',
      'spring.ai.openai.base-url=https://api.openai.com\n',
      ['spring.ai.openai.base-url=https://api.openai.com'],
    ],
    [
      'pretty JSON: each pair once',
      '{\n  "llm": {\n    "baseUrl": "https://api.openai.com/v1",\n    "retries": 3\n  }\n}\n',
      ['baseUrl=https://api.openai.com/v1', 'retries=3'],
    ],
    [
      'JSON on one line, with escapes',
      '{"a":{"endpoint":"https:\\/\\/api.anthropic.com","x":"y"}}',
      ['endpoint=https://api.anthropic.com', 'x=y'],
    ],
    [
      'XML elements',
      '<config><endpoint>https://api.openai.com</endpoint></config>',
      ['endpoint=https://api.openai.com'],
    ],
    [
      'whole-line comments and block openers hold no setting',
      '# base_url: https://api.openai.com/v1\n// endpoint: https://x\nllm: |\n  text\nlist: []\n',
      [],
    ],
  ];
  for (const [name, content, want] of cases) it(name, () => assert.deepEqual(show(content), want));

  it('reads a megabyte in well under a second', () => {
    const content = 'key: value https://api.openai.com/v1\n'.repeat(30_000);
    const started = performance.now();
    assert.equal(fileSettings(content).length, 1);
    assert.ok(performance.now() - started < 1_000);
  });
});

describe('withoutCommentLines', () => {
  it('drops whole-line comments only', () => {
    assert.equal(
      withoutCommentLines('# https://api.openai.com\nurl: https://eu.api.openai.com # inline\n  ; x\n'),
      'url: https://eu.api.openai.com # inline\n',
    );
    assert.equal(withoutCommentLines('no comments'), 'no comments');
  });
});
