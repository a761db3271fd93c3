import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countInputTokens } from './input-estimate.js';
import { requestText } from './request-text.js';
import { createStreamTap } from './stream-tap.js';
import {
  CHAT_INJECTED,
  COMPLETIONS,
  MESSAGES,
  RECORDED_STREAMS,
  RESPONSES,
  type RecordedStream,
  withLineEndings,
} from './testdata/recorded-streams.js';
import { forwardedAfter, layout, seeded } from './testdata/stream-layout.js';
import { estimateTokens } from './tokenizer.js';

/** Feeds the stream cut at `cuts`; checks what is forwarded after every piece; returns the tap. */
function feed(stream: RecordedStream, cuts: number[], l = layout(stream)) {
  const tap = createStreamTap(stream.api, {
    stripUsageChunk: stream.stripUsageChunk,
    model: stream.model,
    estimatedInputTokens: 42,
  });
  const sent: Buffer[] = [];
  let sentBytes = 0;
  let from = 0;
  for (const cut of [...cuts, l.input.length]) {
    const out = tap.push(l.input.subarray(from, cut));
    sent.push(out);
    sentBytes += out.length;
    from = cut;
    assert.equal(
      sentBytes,
      forwardedAfter(l, cut),
      `${stream.name}: after ${cut} bytes (cuts ${cuts.join(',')}) forwarded ${sentBytes} bytes`,
    );
  }
  sent.push(tap.end());
  return { tap, output: Buffer.concat(sent) };
}

const variants = RECORDED_STREAMS.flatMap((s) => [s, withLineEndings(s, '\r\n'), withLineEndings(s, '\r')]);

describe('createStreamTap on recorded streams', () => {
  for (const stream of variants) {
    const l = layout(stream);
    it(`${stream.name}: split at every byte position, the agent gets the same bytes and usage is exact`, () => {
      for (let cut = 0; cut <= l.input.length; cut++) {
        const { tap, output } = feed(stream, [cut], l);
        assert.deepEqual(output, l.output, `${stream.name}: split at ${cut}`);
        assert.deepEqual(tap.usage(), stream.usage, `${stream.name}: usage with split at ${cut}`);
        assert.equal(tap.completed, true);
      }
    });

    it(`${stream.name}: one byte at a time and in 300 random splits`, () => {
      const everyByte = Array.from({ length: l.input.length - 1 }, (_, i) => i + 1);
      assert.deepEqual(feed(stream, everyByte, l).output, l.output);
      const random = seeded(l.input.length);
      for (let run = 0; run < 300; run++) {
        const pieces = 1 + Math.floor(random() * 30);
        const cuts = Array.from({ length: pieces }, () => Math.floor(random() * l.input.length)).sort(
          (a, b) => a - b,
        );
        const { tap, output } = feed(stream, cuts, l);
        assert.deepEqual(output, l.output, `${stream.name}: cuts ${cuts.join(',')}`);
        assert.deepEqual(tap.usage(), stream.usage);
      }
    });
  }
});

describe('createStreamTap when the stream breaks off', () => {
  /** The first `events` events, plus `partial` bytes of the next one. */
  function cutAfter(stream: RecordedStream, events: number, partial = 0) {
    const l = layout(stream);
    const end = (l.events[events - 1]?.inEnd ?? 0) + partial;
    const tap = createStreamTap(stream.api, {
      stripUsageChunk: stream.stripUsageChunk,
      model: stream.model,
      estimatedInputTokens: 42,
    });
    const out = Buffer.concat([tap.push(l.input.subarray(0, end)), tap.end()]);
    return { tap, out, l };
  }

  it('anchors the tokenizer: gpt-4o counts "Hello world" as 2 tokens, gpt-4 "hello world" as 2', () => {
    assert.equal(estimateTokens('Hello world', 'gpt-4o'), 2);
    assert.equal(estimateTokens('hello world', 'gpt-4-0613'), 2);
    assert.equal(estimateTokens('', 'gpt-4o'), 0);
  });

  const cases: {
    name: string;
    stream: RecordedStream;
    events: number;
    partial?: number;
    usage: () => object;
  }[] = [
    {
      name: 'OpenAI chat cut after four chunks: output counted from the text seen, input from the estimate',
      stream: CHAT_INJECTED,
      events: 4,
      usage: () => ({
        inputTokens: 42,
        outputTokens: estimateTokens('Grüße aus Berlin — 東京', 'gpt-4o'),
        cachedInputTokens: 0,
        estimated: true,
      }),
    },
    {
      name: 'OpenAI chat cut in the middle of the usage chunk: the half chunk is not usage',
      stream: CHAT_INJECTED,
      events: 6,
      partial: 120,
      usage: () => ({
        inputTokens: 42,
        outputTokens: estimateTokens('Grüße aus Berlin — 東京 "usage":null', 'gpt-4o'),
        cachedInputTokens: 0,
        estimated: true,
      }),
    },
    {
      name: 'OpenAI chat cut after the usage chunk but before [DONE]: usage is exact',
      stream: CHAT_INJECTED,
      events: 7,
      usage: () => CHAT_INJECTED.usage,
    },
    {
      name: 'Responses cut before response.completed',
      stream: RESPONSES,
      events: 5,
      usage: () => ({
        inputTokens: 42,
        outputTokens: estimateTokens('Hi there!', 'gpt-4.1'),
        cachedInputTokens: 0,
        estimated: true,
      }),
    },
    {
      name: 'Anthropic cut before message_delta: input exact from message_start, output counted',
      stream: MESSAGES,
      events: 8,
      usage: () => ({
        inputTokens: 135,
        outputTokens: estimateTokens('Hello, wörld!{"city": "Paris"}', 'claude-sonnet-4-5'),
        cachedInputTokens: 100,
        cacheWriteInputTokens: 10,
        estimated: true,
      }),
    },
    {
      name: 'Anthropic cut after message_start only: output is at least what message_start reported',
      stream: MESSAGES,
      events: 1,
      usage: () => ({
        inputTokens: 135,
        outputTokens: 1,
        cachedInputTokens: 100,
        cacheWriteInputTokens: 10,
        estimated: true,
      }),
    },
    {
      name: 'Anthropic usage is the latest cumulative message_delta (15), not the sum (25)',
      stream: MESSAGES,
      events: 11,
      usage: () => MESSAGES.usage,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { tap } = cutAfter(c.stream, c.events, c.partial);
      assert.deepEqual(tap.usage(), c.usage());
      assert.equal(tap.completed, false);
    });
  }

  it('forwards the bytes of an unfinished last event at end(), as the upstream sent them', () => {
    const { out, l } = cutAfter(COMPLETIONS, 2, 30);
    const firstTwo = Buffer.from(
      COMPLETIONS.events
        .slice(0, 2)
        .map((e) => e.out)
        .join(''),
    );
    assert.deepEqual(
      out,
      Buffer.concat([firstTwo, l.input.subarray(l.events[1]?.inEnd, (l.events[1]?.inEnd ?? 0) + 30)]),
    );
  });

  it('counts input from the request text with the tokenizer when the text is given', () => {
    const requestBody = {
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Say hello from Berlin.' }],
    };
    const tap = createStreamTap('chat.completions', {
      stripUsageChunk: true,
      model: 'gpt-4o',
      estimatedInputTokens: 999,
      requestText: requestText('chat.completions', requestBody),
    });
    tap.push(
      Buffer.from(
        CHAT_INJECTED.events
          .slice(0, 3)
          .map((e) => e.in)
          .join(''),
      ),
    );
    tap.end();
    // 3 framing + "user" (1) + "Say| hello| from| Berlin|." (5) + 3 reply priming, as OpenAI counts chat input.
    assert.equal(
      countInputTokens('chat.completions', requestText('chat.completions', requestBody), 'gpt-4o'),
      12,
    );
    assert.equal(tap.usage().inputTokens, 12);
    assert.equal(tap.usage().estimated, true);
  });

  it('an upstream that sends no usage at all, though the stream completed, is estimated', () => {
    const tap = createStreamTap('chat.completions', {
      stripUsageChunk: false,
      model: 'gpt-4o',
      estimatedInputTokens: 7,
    });
    tap.push(Buffer.from(`${CHAT_INJECTED.events[1]?.out}${CHAT_INJECTED.events[2]?.out}data: [DONE]\n\n`));
    tap.end();
    assert.equal(tap.completed, true);
    assert.deepEqual(tap.usage(), {
      inputTokens: 7,
      outputTokens: estimateTokens('Grüße aus', 'gpt-4o'),
      cachedInputTokens: 0,
      estimated: true,
    });
  });

  for (const [api, event] of [
    [
      'chat.completions',
      (t: string) => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(t)}}}]}\n\n`,
    ],
    [
      'responses',
      (t: string) =>
        `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":${JSON.stringify(t)}}\n\n`,
    ],
    [
      'messages',
      (t: string) =>
        `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(t)}}}\n\n`,
    ],
  ] as const) {
    it(`${api}: a long stream broken off without usage is estimated from all of its text`, () => {
      const tap = createStreamTap(api, { stripUsageChunk: false, model: 'gpt-4o', estimatedInputTokens: 1 });
      const words: string[] = [];
      // About 3 MiB of events: more than the reader holds unread at a time.
      for (let i = 0; i < 30_000; i++) {
        const word = ` word${i % 97}`;
        words.push(word);
        tap.push(Buffer.from(event(word)));
      }
      tap.end();
      assert.equal(tap.completed, false);
      assert.equal(tap.usage().outputTokens, estimateTokens(words.join(''), 'gpt-4o'));
    });
  }

  it('garbage from the upstream is forwarded untouched and counts nothing', () => {
    const tap = createStreamTap('messages', {
      stripUsageChunk: false,
      model: 'claude-3-5-haiku',
      estimatedInputTokens: 3,
    });
    const garbage = Buffer.from('<html>502 Bad Gateway</html>\n\ndata: {not json\n\n');
    assert.deepEqual(Buffer.concat([tap.push(garbage), tap.end()]), garbage);
    assert.deepEqual(tap.usage(), { inputTokens: 3, outputTokens: 0, cachedInputTokens: 0, estimated: true });
    assert.equal(tap.completed, false);
  });

  it('never holds more than maxEventBytes of a stream that never ends an event', () => {
    const tap = createStreamTap('chat.completions', {
      stripUsageChunk: true,
      model: 'gpt-4o',
      estimatedInputTokens: 5,
      maxEventBytes: 1024,
    });
    const piece = Buffer.from('x'.repeat(300));
    let pushed = 0;
    let forwarded = 0;
    for (let i = 0; i < 100; i++) {
      pushed += piece.length;
      forwarded += tap.push(piece).length;
      assert.ok(pushed - forwarded <= 1024, `holding ${pushed - forwarded} bytes`);
    }
    forwarded += tap.end().length;
    assert.equal(forwarded, pushed);
    assert.equal(tap.usage().estimated, true);
  });
});
