import type { ImportFormat } from './import-format.ts';
import { csvFormat } from './csv-mapped.ts';
import { jsonlFormat } from './jsonl.ts';
import { movieLensFormat } from './movielens.ts';
import { onlineRetailFormat } from './online-retail.ts';
import { rees46Format } from './rees46.ts';
import { retailRocketFormat } from './retailrocket.ts';
import { sequencesFormat } from './sequences.ts';
import { taobaoFormat } from './taobao.ts';

/** Every dataset format `cartwise import` knows, in the order the help lists them. */
export const importFormats: readonly ImportFormat[] = [
  retailRocketFormat, movieLensFormat, onlineRetailFormat, taobaoFormat, rees46Format, sequencesFormat, csvFormat, jsonlFormat,
];

export type { FormatOptionValues, ImportFormat, ImportPart, MapResult, RowMapper } from './import-format.ts';
export { DEFAULT_BATCH_SIZE, runImport, type ImportOptions, type ImportSummary } from './import-runner.ts';
