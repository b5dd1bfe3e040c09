/** Exports: queueing one as a job, and the history. */
import { Type, type Static } from '@sinclair/typebox';
import { AnyObject, Int, NullStr, obj } from './common.js';

export const ExportQueued = obj({ status: Type.Literal('queued'), job_id: Type.String(), export_id: Type.String() });

export const ExportRecordOut = obj({
  export_id: Type.String(),
  workflow_id: Type.String(),
  format: Type.Union([Type.Literal('csv'), Type.Literal('json'), Type.Literal('pdf')]),
  dataset: Type.String({ description: 'CSV: the dataset; empty otherwise' }),
  params: AnyObject('the query or body of the request'),
  mode: Type.Union([Type.Literal('streamed'), Type.Literal('file')]),
  status: Type.String({ description: 'streamed | queued | running | succeeded | failed' }),
  rows: Int,
  bytes: Int,
  error: NullStr,
  key_id: Type.String(),
  job_id: NullStr,
  created_at: Type.String(),
  expires_at: NullStr,
  download_url: Type.Union([Type.String(), Type.Null()], { description: 'while the file is kept' }),
});
export type ExportRecordOut = Static<typeof ExportRecordOut>;
export const ExportsResponse = obj({ exports: Type.Array(ExportRecordOut) });
