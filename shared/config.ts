/**
 * Runtime configuration, read once per process from the environment. Deployed values come from
 * the CDK stack; local values from infra/local/start.ts. Nothing else reads process.env.
 */
export interface Config {
  tableName: string;
  /** Set only by the local runtime: enables /dev routes and the file key provider. */
  localMode: boolean;
  /** DynamoDB endpoint override (DynamoDB Local). */
  dynamoEndpoint?: string;
  region: string;
  /** Deployed: KMS key for PII data keys. */
  piiKmsKeyId?: string;
  /** Deployed: Secrets Manager secret of the session-token signing keys (kid, key, previous). */
  sessionKeysSecretArn?: string;
  /** Deployed: Secrets Manager secret of the blind-index key (never rotated: re-indexing). */
  blindIndexSecretArn?: string;
  /** Local: folder for the local key file. */
  localKeyDir: string;
  /** e-SSC issuer name and its public keys (JWKS JSON) for card assertions. */
  esscIssuer: string;
  esscJwks?: string;
  sessionIdleSeconds: number;
  /** How old a citizen's e-SSC assertion in an offline kiosk batch may be (KIOSK_OFFLINE_WINDOW_HOURS, default 72). */
  kioskOfflineWindowSeconds: number;
  sessionMaxSeconds: number;
  maxBodyBytes: number;
  /** Step Functions escalation state machine (deployed) — locally the runtime injects a starter. */
  escalationStateMachineArn?: string;
  /** Local time-scale of the escalation flow: one working day lasts this many seconds (unset = the real calendar). */
  escalationWorkingDaySeconds?: number;
  corsOrigins: string[];
  bootstrapSysAdminId: string;
  bootstrapBizAdminId: string;
  /** Deployed: the bucket for large report files (pre-signed links). */
  reportsBucket?: string;
  /** Local: folder for large report files. */
  reportsDir: string;
  /** Report files larger than this are handed out as a link instead of inline. */
  reportInlineMaxBytes: number;
  /** The console's public case-status page printed (and as a QR) on the receipt; `?number=&code=` is appended. */
  publicStatusUrl: string;
  /** A QR login started on a registered kiosk ends after this many idle seconds. */
  kioskIdleSeconds: number;
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    tableName: env.TABLE_NAME ?? 'jiujinban',
    localMode: env.JJB_LOCAL_MODE === '1',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION ?? 'cn-north-1',
    piiKmsKeyId: env.PII_KMS_KEY_ID || undefined,
    sessionKeysSecretArn: env.SESSION_KEYS_SECRET_ARN || undefined,
    blindIndexSecretArn: env.BLIND_INDEX_SECRET_ARN || undefined,
    localKeyDir: env.JJB_LOCAL_KEY_DIR ?? '.data',
    esscIssuer: env.ESSC_ISSUER ?? 'https://essc.local.dev',
    esscJwks: env.ESSC_JWKS || undefined,
    sessionIdleSeconds: num('SESSION_IDLE_SECONDS', 15 * 60),
    kioskOfflineWindowSeconds: num('KIOSK_OFFLINE_WINDOW_HOURS', 72) * 3600,
    sessionMaxSeconds: num('SESSION_MAX_SECONDS', 12 * 3600),
    maxBodyBytes: num('MAX_BODY_BYTES', 64 * 1024),
    escalationStateMachineArn: env.ESCALATION_STATE_MACHINE_ARN || undefined,
    escalationWorkingDaySeconds: env.ESCALATION_WORKING_DAY_SECONDS ? Number(env.ESCALATION_WORKING_DAY_SECONDS) || undefined : undefined,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bootstrapSysAdminId: env.LOCAL_BOOTSTRAP_SYSADMIN_ID ?? '140000197508080017',
    bootstrapBizAdminId: env.LOCAL_BOOTSTRAP_BIZADMIN_ID ?? '140000198012120024',
    reportsBucket: env.REPORTS_BUCKET || undefined,
    reportsDir: env.JJB_REPORTS_DIR ?? `${env.JJB_DATA_DIR ?? '.data'}/reports`,
    reportInlineMaxBytes: num('REPORT_INLINE_MAX_BYTES', 4 * 1024 * 1024),
    publicStatusUrl: env.PUBLIC_STATUS_URL ?? `http://localhost:${env.PORT ?? '3000'}/status`,
    kioskIdleSeconds: num('KIOSK_IDLE_SECONDS', 120),
  };
}

let cached: Config | undefined;
/** The process configuration; tests may reset it after changing the environment. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
export function resetConfig(): void {
  cached = undefined;
}
