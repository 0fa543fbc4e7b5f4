import { defineEntity } from './define';

/**
 * The plan's own work (第五部分): training sessions and who attended them, publicity activities,
 * and what the county records by hand for the seven tasks (the mobilisation meeting, the reports
 * to the city). Owned by functions/workplan; read by the reports.
 */

/** Who organised a session: the level of its organiser region (第三部分(二), 第五部分 4–5). */
export const ORGANISER_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type OrganiserLevel = (typeof ORGANISER_LEVELS)[number];

/**
 * What a session was: `system_operation` the province's system login and operation training for
 * business backbones (第五部分 4); `business` the business training of the service points' staff
 * (第五部分 5) — the kind that makes a point's operators count as trained; `other` anything else.
 */
export const TRAINING_KINDS = ['system_operation', 'business', 'other'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];
/** The kind a point's active operators must each have attended for the point's staff to count as trained. */
export const POINT_STAFF_TRAINING_KIND: TrainingKind = 'business';

export interface TrainingAttrs {
  id: string;
  organiserRegionCode: string;
  organiserRegionName: string;
  organiserLevel: OrganiserLevel;
  /** The organiser region's path: scope and listing. */
  regionPath: string;
  scopeBucket: string;
  topic: string;
  kind: TrainingKind;
  date: string;
  mode: 'onsite' | 'online';
  place?: string;
  trainer: string;
  note?: string;
  attended: number;
  absent: number;
  recordedBy: { accountId: string; name: string };
  recordedAt: string;
  updatedAt?: string;
}
export const Training = defineEntity<TrainingAttrs, { id: string }>({
  type: 'Training',
  key: ({ id }) => ({ pk: `TRAINING#${id}`, sk: 'TRAINING' }),
  // AP: sessions organised in a bucket by date → gsi1 (bucket, date#id); filter by organiser path
  indexes: (t) => ({ gsi1pk: `TRAININGS_IN#${t.scopeBucket}`, gsi1sk: `${t.date}#${t.id}` }),
});
export const trainingsInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `TRAININGS_IN#${bucket}` });

/** One account's attendance of one session (attended or absent); corrected with `version`. */
export interface TrainingAttendanceAttrs {
  trainingId: string;
  accountId: string;
  name: string;
  regionCode: string;
  regionPath: string;
  pointId?: string;
  roles: string[];
  attended: boolean;
  note?: string;
  recordedBy: string;
  recordedAt: string;
  version: number;
}
export const TrainingAttendance = defineEntity<TrainingAttendanceAttrs, { trainingId: string; accountId: string }>({
  type: 'TrainingAttendance',
  key: ({ trainingId, accountId }) => ({ pk: `TRAINING#${trainingId}`, sk: `ATTENDEE#${accountId}` }),
});
export const attendeesOfTraining = (trainingId: string) => ({ pk: `TRAINING#${trainingId}`, skPrefix: 'ATTENDEE#' });

/**
 * What one account has attended of one kind: the sessions (id → date and organiser level) and
 * the first date. Kept in the attendance Tx, so "is this operator trained (as of a date)" is one
 * key read, and a report BatchGets the region's operators' items (cost grows with accounts).
 */
export interface StaffTrainingAttrs {
  accountId: string;
  kind: TrainingKind;
  sessions: Record<string, { date: string; organiserLevel: OrganiserLevel }>;
  /** Earliest attended session's date; absent when every attendance was corrected to absent. */
  firstDate?: string;
  version: number;
}
export const StaffTraining = defineEntity<StaffTrainingAttrs, { accountId: string; kind: TrainingKind }>({
  type: 'StaffTraining',
  key: ({ accountId, kind }) => ({ pk: `TRAINED#${accountId}`, sk: `KIND#${kind}` }),
});

/** 第五部分 7 and 第七部分(三): the forms publicity takes. */
export const PUBLICITY_KINDS = ['central_booth', 'poster', 'materials', 'wechat_push', 'video', 'interactive'] as const;
export type PublicityKind = (typeof PUBLICITY_KINDS)[number];
export const PUBLICITY_KIND_NAMES: Record<PublicityKind, string> = {
  central_booth: '集中宣传点',
  poster: '海报',
  materials: '宣传材料',
  wechat_push: '微信群推送',
  video: '宣传片',
  interactive: '互动体验',
};

/** One publicity activity of a point or of a township (never changed). */
export interface PublicityAttrs {
  id: string;
  regionCode: string;
  regionName: string;
  regionPath: string;
  scopeBucket: string;
  pointId?: string;
  pointName?: string;
  kind: PublicityKind;
  date: string;
  title?: string;
  place?: string;
  reach: { people: number; copies: number };
  /** The P7 subsidy expenditure that paid for it (category publicity, same point). */
  expenditure?: { id: string; amountFen: number; voucherNumber: string; date: string };
  note?: string;
  recordedBy: { accountId: string; name: string };
  recordedAt: string;
}
export const Publicity = defineEntity<PublicityAttrs, { id: string }>({
  type: 'Publicity',
  key: ({ id }) => ({ pk: `PUBLICITY#${id}`, sk: 'PUBLICITY' }),
  // AP: activities of a county (bucket) by date → gsi1 (bucket, date#id); filter by region path
  indexes: (a) => ({ gsi1pk: `PUBLICITY_IN#${a.scopeBucket}`, gsi1sk: `${a.date}#${a.id}` }),
});
export const publicityInBucket = (bucket: string) => ({ index: 'gsi1' as const, pk: `PUBLICITY_IN#${bucket}` });

/** An expenditure pays for one activity at most (conditional Put in the activity's Tx). */
export const PublicitySpendLink = defineEntity<{ expenditureId: string; publicityId: string }, { expenditureId: string }>({
  type: 'PublicitySpendLink',
  key: ({ expenditureId }) => ({ pk: `PUBLICITY_SPEND#${expenditureId}`, sk: 'LINK' }),
});

/** What the county records by hand for the plan's tasks (第五部分 1, 2, 6). */
export const TASK_RECORD_ITEMS = ['plan_approved', 'mobilisation_meeting', 'account_forms_to_city', 'acceptance_reported_to_city'] as const;
export type TaskRecordItem = (typeof TASK_RECORD_ITEMS)[number];
export const TASK_RECORD_NAMES: Record<TaskRecordItem, string> = {
  plan_approved: '实施方案经县委、县政府批准',
  mobilisation_meeting: '召开“社区村村全覆盖”工作动员大会',
  account_forms_to_city: '《用户申请（变更）单》报市人社局',
  acceptance_reported_to_city: '验收情况报市人社局',
};

export interface TaskRecordAttrs {
  countyCode: string;
  regionPath: string;
  item: TaskRecordItem;
  date: string;
  reference?: string;
  note?: string;
  recordedBy: { accountId: string; name: string };
  recordedAt: string;
  version: number;
}
export const TaskRecord = defineEntity<TaskRecordAttrs, { countyCode: string; item: TaskRecordItem }>({
  type: 'TaskRecord',
  key: ({ countyCode, item }) => ({ pk: `PLANTASK#${countyCode}`, sk: `RECORD#${item}` }),
});
export const taskRecordsOfCounty = (countyCode: string) => ({ pk: `PLANTASK#${countyCode}`, skPrefix: 'RECORD#' });
