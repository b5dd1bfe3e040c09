/** A progress bar on stderr (plain lines when stderr is not a terminal). */
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit: string): Progress {
  if (!process.stderr.isTTY) {
    let lastPrint = 0;
    return {
      update(value, payload = {}) {
        const now = Date.now();
        if (now - lastPrint < 2000 && value < total) return;
        lastPrint = now;
        const pct = total > 0 ? Math.min(100, Math.round((value / total) * 100)) : 0;
        const extra = Object.entries(payload).map(([k, v]) => `${k}=${v}`).join(' ');
        process.stderr.write(`${label}: ${pct}% (${value.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}) ${extra}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left | {info}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    update(value, payload = {}) {
      bar.update(value, { info: Object.entries(payload).map(([k, v]) => `${k} ${v}`).join(' ') });
    },
    stop: () => bar.stop(),
  };
}
