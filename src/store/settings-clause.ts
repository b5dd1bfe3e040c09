/** Renders a SETTINGS clause from constant, trusted settings (never user input). */
export function settingsClause(settings: Record<string, string | number>): string {
  const parts = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z_0-9]+$/.test(k)) throw new Error(`bad setting name ${k}`);
    const value = typeof v === 'number' ? String(v) : `'${v.replace(/[\\']/g, '\\$&')}'`;
    return `${k} = ${value}`;
  });
  return parts.length ? ` SETTINGS ${parts.join(', ')}` : '';
}
