import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EndpointHost, endpointHost, expandVarReferences } from './endpoint-host.js';

describe('endpointHost', () => {
  const cases: [string, EndpointHost | undefined][] = [
    // plain URLs
    ['https://api.openai.com/v1', { host: 'api.openai.com' }],
    ['https://eu.api.openai.com/v1/chat/completions?x=1#frag', { host: 'eu.api.openai.com' }],
    ['http://localhost:8080/v1', { host: 'localhost', port: 8080 }],
    // userinfo: what precedes @ is a user name, not the host
    ['https://eu.example@api.openai.com', { host: 'api.openai.com' }],
    ['https://eu.api.openai.com:secret@api.openai.com/v1', { host: 'api.openai.com' }],
    [
      'https://user:pa%40ss@bedrock-runtime.eu-central-1.amazonaws.com',
      { host: 'bedrock-runtime.eu-central-1.amazonaws.com' },
    ],
    // a backslash is a path separator for special schemes, so the host ends before it
    ['http://api.openai.com\\@eu.api.openai.com', { host: 'api.openai.com' }],
    // case and trailing dots
    ['HTTPS://EU.API.OPENAI.COM./v1', { host: 'eu.api.openai.com' }],
    ['HtTpS://Api.OpenAI.com', { host: 'api.openai.com' }],
    ['https://api.openai.com../v1', undefined],
    ['https://a..b.example.com', undefined],
    // ports: explicit ones kept, the scheme's default dropped
    ['https://api.openai.com:443/v1', { host: 'api.openai.com' }],
    ['http://api.openai.com:80', { host: 'api.openai.com' }],
    ['https://api.openai.com:8443/v1', { host: 'api.openai.com', port: 8443 }],
    ['http://api.openai.com:443', { host: 'api.openai.com', port: 443 }],
    ['https://api.openai.com:99999', undefined],
    // IPv4 literals, in every form the WHATWG parser accepts
    ['http://10.0.0.1:8000/v1', { host: '10.0.0.1', port: 8000, ip: 'v4' }],
    ['http://2130706433/', { host: '127.0.0.1', ip: 'v4' }],
    ['http://0x7f000001', { host: '127.0.0.1', ip: 'v4' }],
    ['http://0x7f.1', { host: '127.0.0.1', ip: 'v4' }],
    ['http://017700000001', { host: '127.0.0.1', ip: 'v4' }],
    ['http://127.1', { host: '127.0.0.1', ip: 'v4' }],
    ['http://0300.0250.1.1', { host: '192.168.1.1', ip: 'v4' }],
    ['http://127.0.0.1.', { host: '127.0.0.1', ip: 'v4' }],
    ['http://256.1.1.1', undefined],
    ['http://1.2.3.4.5', undefined],
    // IPv6 literals; an IPv4-mapped address is the IPv4 it maps
    ['http://[2001:db8::1]:8443', { host: '2001:db8::1', port: 8443, ip: 'v6' }],
    ['http://[2001:DB8:0:0:0:0:0:1]/v1', { host: '2001:db8::1', ip: 'v6' }],
    ['http://[::1]', { host: '::1', ip: 'v6' }],
    ['http://[::ffff:10.0.0.1]', { host: '10.0.0.1', ip: 'v4' }],
    ['http://[::ffff:7f00:1]:9000', { host: '127.0.0.1', port: 9000, ip: 'v4' }],
    ['[2001:db8::2]:443', { host: '2001:db8::2', port: 443, ip: 'v6' }],
    ['http://[fe80::1%25eth0]', undefined],
    // percent-encoding, full-width characters and IDN all normalise to the ASCII host
    ['http://%61pi.openai.com', { host: 'api.openai.com' }],
    ['http://api%2eopenai.com', { host: 'api.openai.com' }],
    ['http://ＡＰＩ.openai.com', { host: 'api.openai.com' }],
    ['http://api。openai。com', { host: 'api.openai.com' }],
    ['https://bücher.example/v1', { host: 'xn--bcher-kva.example' }],
    ['https://xn--bcher-kva.example', { host: 'xn--bcher-kva.example' }],
    ['https://xn--a.example', undefined],
    ['https://api.xn--zz.example', undefined],
    // hosts without scheme, and scheme-relative URLs
    ['api.openai.com', { host: 'api.openai.com' }],
    ['eu.api.openai.com/v1', { host: 'eu.api.openai.com' }],
    ['api.anthropic.com:443', { host: 'api.anthropic.com', port: 443 }],
    ['localhost:11434', { host: 'localhost', port: 11434 }],
    ['//api.mistral.ai/v1', { host: 'api.mistral.ai' }],
    ['  https://api.openai.com/v1\n', { host: 'api.openai.com' }],
    // other schemes are read for their authority
    ['wss://api.openai.com/v1/realtime', { host: 'api.openai.com' }],
    ['grpc://0x7f.1:50051', { host: '127.0.0.1', port: 50051, ip: 'v4' }],
    // not a host
    ['', undefined],
    ['   ', undefined],
    ['Bearer sk-abc', undefined],
    ['/v1/chat/completions', undefined],
    ['http://', undefined],
    ['https://x=y.example', undefined],
    ['https://$(REGION).api.openai.com', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected ? JSON.stringify(expected) : 'no host'}`, () => {
      assert.deepEqual(endpointHost(text), expected);
    });
  }

  const env = { HOST: 'eu.api.openai.com', PORT: '8443', REGION: 'eu-central-1', EMPTY: '' };
  const expanded: [string, EndpointHost | undefined][] = [
    ['https://$(HOST)/v1', { host: 'eu.api.openai.com' }],
    ['https://$(HOST):$(PORT)', { host: 'eu.api.openai.com', port: 8443 }],
    [
      'https://bedrock-runtime.$(REGION).amazonaws.com',
      { host: 'bedrock-runtime.eu-central-1.amazonaws.com' },
    ],
    ['https://$(MISSING).openai.com', undefined],
    ['https://eu.example@$(HOST)', { host: 'eu.api.openai.com' }],
    ['$(EMPTY)api.openai.com', { host: 'api.openai.com' }],
  ];
  for (const [text, expected] of expanded) {
    it(`expands ${JSON.stringify(text)} from the env map`, () => {
      assert.deepEqual(endpointHost(text, env), expected);
    });
  }
});

describe('expandVarReferences', () => {
  const env = { A: 'one', B: 'two' };
  const cases: [string, string][] = [
    ['$(A)', 'one'],
    ['x-$(A)-$(B)-y', 'x-one-two-y'],
    ['$(C)', '$(C)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$one'],
    ['$A', '$A'],
    ['$(A', '$(A'],
  ];
  for (const [text, expected] of cases) {
    it(`expands ${JSON.stringify(text)} to ${JSON.stringify(expected)}`, () => {
      assert.equal(expandVarReferences(text, env), expected);
      assert.equal(expandVarReferences(text, new Map(Object.entries(env))), expected, 'from a Map too');
    });
  }
});
