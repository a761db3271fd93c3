// The dataflow map's picture: the DOT graph (governance/dataflow-dot.ts) laid out by Graphviz's `dot`
// engine, compiled to WebAssembly (@hpcc-js/wasm-graphviz: no native binary, no install script).
// Loaded on first use only; the module keeps the instance.
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | undefined;

/** SVG of a DOT graph, laid out by Graphviz `dot`; the XML prolog and DOCTYPE are kept (a standalone file). */
export async function renderSvg(dot: string): Promise<string> {
  graphviz ??= Graphviz.load();
  const instance = await graphviz;
  return instance.dot(dot, 'svg');
}

/** The `<svg>` element alone, for embedding in an HTML page. */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  return start === -1 ? svg : svg.slice(start);
}
