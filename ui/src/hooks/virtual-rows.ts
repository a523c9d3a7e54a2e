/**
 * Virtualised rows of a fixed height (TanStack's virtual-core): only the rows in view, plus
 * `overscan` on either side, are rendered, so long lists (runs, spans) cost what a screenful costs.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect, type VirtualizerOptions } from "@tanstack/virtual-core";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

export function useVirtualRows(
  count: number,
  scrollRef: { current: HTMLDivElement | null },
  { rowHeight, overscan }: { rowHeight: number; overscan: number },
): Virtualizer<HTMLDivElement, Element> {
  const [, rerender] = useState(0);
  const options: VirtualizerOptions<HTMLDivElement, Element> = {
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender((n) => n + 1),
  };
  const ref = useRef<Virtualizer<HTMLDivElement, Element> | null>(null);
  ref.current ??= new Virtualizer(options);
  ref.current.setOptions(options);
  useLayoutEffect(() => ref.current!._didMount(), []);
  useLayoutEffect(() => ref.current!._willUpdate());
  return ref.current;
}
