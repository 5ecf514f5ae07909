/**
 * ExcelJS, loaded on first use: loading it takes about a third of a second, which every `bulwark` command and
 * every server start would otherwise pay for a format few downloads ask for.
 */
type ExcelJs = typeof import('exceljs');

let loading: Promise<ExcelJs> | undefined;

export function excelJs(): Promise<ExcelJs> {
  loading ??= import('exceljs').then((m) => ((m as { default?: ExcelJs }).default ?? m));
  return loading;
}
