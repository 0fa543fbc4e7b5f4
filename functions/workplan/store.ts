import { getItem, getItems, queryAll, queryPages, type Page, type PatternQuery } from '../../shared/db/store';
import {
  Account,
  Expenditure,
  Point,
  Publicity,
  StaffTraining,
  TaskRecord,
  Training,
  TrainingAttendance,
  accountsByStatus,
  attendeesOfTraining,
  publicityInBucket,
  taskRecordsOfCounty,
  trainingsInBucket,
  type AccountAttrs,
  type ExpenditureAttrs,
  type PointAttrs,
  type PublicityAttrs,
  type StaffTrainingAttrs,
  type TaskRecordAttrs,
  type TaskRecordItem,
  type TrainingAttendanceAttrs,
  type TrainingAttrs,
  type TrainingKind,
} from '../../shared/db/entities';

export const getTraining = (id: string, consistent = false) => getItem<TrainingAttrs>(Training.key({ id }), consistent);
export const getPoint = (id: string) => getItem<PointAttrs>(Point.key({ id }), true);
export const getExpenditure = (pointId: string, id: string) => getItem<ExpenditureAttrs>(Expenditure.key({ pointId, id }), true);
export const getTaskRecord = (countyCode: string, item: TaskRecordItem) => getItem<TaskRecordAttrs>(TaskRecord.key({ countyCode, item }), true);
export const listTaskRecords = (countyCode: string) => queryAll<TaskRecordAttrs>(taskRecordsOfCounty(countyCode));
export const listAttendees = (trainingId: string) => queryAll<TrainingAttendanceAttrs>(attendeesOfTraining(trainingId));

/** BatchGet in chunks of 100 keys, in the order asked. */
async function getMany<T>(keys: { pk: string; sk: string }[]): Promise<(T | undefined)[]> {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < keys.length; i += 100) out.push(...(await getItems<T>(keys.slice(i, i + 100))));
  return out;
}
export const getAccounts = (ids: string[]) => getMany<AccountAttrs>(ids.map((id) => Account.key({ id })));
export const getAttendances = (trainingId: string, ids: string[]) =>
  getMany<TrainingAttendanceAttrs>(ids.map((accountId) => TrainingAttendance.key({ trainingId, accountId })));
export const getStaffTrainings = (keys: { accountId: string; kind: TrainingKind }[]) => getMany<StaffTrainingAttrs>(keys.map((k) => StaffTraining.key(k)));

/** Active operators of a point: active accounts of its township subtree (gsi2), filtered to the point and the role. */
export function activeOperatorsOf(point: Pick<PointAttrs, 'id' | 'scopeBucket' | 'regionPath'>): Promise<AccountAttrs[]> {
  return queryAll<AccountAttrs>({
    ...accountsByStatus(point.scopeBucket, 'active'),
    skPrefix: point.regionPath.split('/').slice(0, 4).join('/'),
    filter: {
      expression: '#pid = :pid AND contains(#roles, :op)',
      names: { '#pid': 'pointId', '#roles': 'roles' },
      values: { ':pid': point.id, ':op': 'operator' },
    },
  });
}

/** A date range on a `date#id` sort key. */
export function dateRange(from?: string, to?: string): Pick<PatternQuery, 'skBetween' | 'skFrom' | 'skTo'> {
  if (from && to) return { skBetween: [`${from}#`, `${to}#\uffff`] };
  if (from) return { skFrom: `${from}#` };
  if (to) return { skTo: `${to}#\uffff` };
  return {};
}

export function trainingsPage(queries: { bucket: string; filter?: PatternQuery['filter'] }[], range: ReturnType<typeof dateRange>, limit: number, cursor?: string): Promise<Page<TrainingAttrs>> {
  return queryPages<TrainingAttrs>(queries.map((q) => ({ ...trainingsInBucket(q.bucket), ...range, ...(q.filter ? { filter: q.filter } : {}) })), limit, cursor);
}

export function publicityPage(queries: { bucket: string; filter?: PatternQuery['filter'] }[], range: ReturnType<typeof dateRange>, limit: number, cursor?: string): Promise<Page<PublicityAttrs>> {
  return queryPages<PublicityAttrs>(queries.map((q) => ({ ...publicityInBucket(q.bucket), ...range, ...(q.filter ? { filter: q.filter } : {}) })), limit, cursor);
}
