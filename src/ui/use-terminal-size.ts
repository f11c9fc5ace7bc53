// The terminal's size, following resizes (Ink 6 has no useWindowSize). A fixed size (tests, or a
// caller that knows better) wins over the stream's.

import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface Size {
  columns: number;
  rows: number;
}

export function useTerminalSize(fixed?: Partial<Size>): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: fixed?.columns ?? stdout.columns ?? 80, rows: fixed?.rows ?? stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` is rebuilt every render from the listed values; listing it would resubscribe on every render.
  useEffect(() => {
    if (fixed?.columns && fixed.rows) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed?.columns, fixed?.rows]);
  return fixed?.columns && fixed.rows ? { columns: fixed.columns, rows: fixed.rows } : size;
}
