/** Import progress: a live line with rows/s on a terminal, nothing in CI or when piped. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): {
  update(file: string, rows: number): void;
  done(): void;
} {
  if (!stream.isTTY || process.env.CI) return { update() {}, done() {} };
  const started = performance.now();
  let total = 0;
  let lastFile = '';
  let lastRows = 0;
  return {
    update(file, rows) {
      if (file !== lastFile) lastRows = 0;
      total += rows - lastRows;
      lastFile = file;
      lastRows = rows;
      const rate = Math.round(total / Math.max((performance.now() - started) / 1000, 0.001));
      stream.write(`\r\x1b[K${file.padEnd(28)} ${String(rows).padStart(8)} rows  ${rate} rows/s`);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
