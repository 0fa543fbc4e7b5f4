import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/db/table';
import { OP_LOG_PK_PREFIX } from '../../shared/db/entities/platform';
import type { FunctionAccess } from '../../shared/http/route';

/**
 * How every Lambda of the platform is bundled. Shared with bench/bundles.ts so that the numbers
 * in the report are measured on exactly what is deployed.
 *
 * ESM, because shared/seed/data.ts finds its CSV files through import.meta.url (empty in a CJS
 * bundle) and ESM lets the runtime load one file without a CJS wrapper. Some bundled CommonJS
 * dependencies (the AWS SDK's) still call require() for Node built-ins, which esbuild's ESM
 * output cannot do on its own: the banner gives the bundle a real require.
 *
 * The AWS SDK v3 is bundled, not taken from the runtime: bench/bundles.ts measured the bundled
 * variant to initialise faster (one minified file instead of hundreds of CommonJS files read from
 * the runtime's node_modules), and it pins the SDK to the version our tests ran against.
 */
export const BUNDLE = {
  target: 'node22',
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: "import { createRequire as __jjbCreateRequire } from 'node:module'; const require = __jjbCreateRequire(import.meta.url);",
  /** Nothing external: the SDK v3 is bundled (see above). */
  external: [] as string[],
};

/** The shared resources a domain function may be granted. */
export interface PlatformResources {
  table: dynamodb.ITable;
  /** The table's at-rest CMK (DynamoDB uses it on the caller's behalf). */
  tableKey: kms.IKey;
  /** CMK for PII data keys (envelope encryption in shared/security/data-keys.ts). */
  piiKey: kms.IKey;
  /** Session-token signing keys (kid, key, previous), rotated. */
  sessionKeys: secretsmanager.ISecret;
  /** The blind-index key (never rotated: every index would have to be rebuilt). */
  blindIndexKey: secretsmanager.ISecret;
  /** CMK of the secrets, queues, log groups and buckets: a secret's reader needs Decrypt through Secrets Manager. */
  opsKey: kms.IKey;
  /** Environment every function gets (names as shared/config.ts reads them). */
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
}

/** What a function may do: FunctionAccess (declared beside the routes, shared/http/route.ts). */
export type DomainAccess = FunctionAccess;

/** Every key and the whole table: only the deploy-time seed holds this. */
export const FULL_ACCESS: FunctionAccess = { table: 'readWrite', pii: true, blindIndex: true, sessionKeys: true };

/**
 * A narrower table grant than `table` gives: exactly these read actions, and writes only to
 * partitions whose key starts with one of the prefixes (dynamodb:LeadingKeys). The authorizer
 * reads sessions and accounts and touches only sessions.
 */
export interface TableScope {
  readActions: string[];
  write?: { actions: string[]; leadingKeyPrefixes: string[] };
}

export interface DomainFunctionProps {
  /** Absolute path of the TypeScript entry file. */
  entry: string;
  /** The export Lambda calls (default `handler`). */
  exportName?: string;
  description: string;
  resources: PlatformResources;
  access: FunctionAccess;
  tableScope?: TableScope;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /**
   * Asynchronously invoked functions (scheduled jobs) keep failed events here. Functions called
   * synchronously (API, authorizer, custom resource) have none: their caller gets the error.
   */
  deadLetterQueue?: sqs.IQueue;
  /** Files the code reads at run time, copied beside the bundle: [absolute source dir, target dir in the bundle]. */
  copyDirs?: Array<[string, string]>;
}

export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
export const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
/** DynamoDB encrypts with the table CMK on the caller's behalf; enumerated instead of ReEncrypt* / GenerateDataKey*. */
const TABLE_KEY_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const TABLE_KEY_WRITE = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/**
 * A platform Lambda: Node.js 22 on arm64, bundled locally with esbuild (never Docker), its own
 * log group with a retention, X-Ray active tracing, and a role that holds only what `access`
 * names — no managed policies, logs only to its own group.
 */
export class DomainFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DomainFunctionProps) {
    super(scope, id);
    const r = props.resources;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: r.logRetention,
      encryptionKey: r.opsKey,
      // Logs are evidence of who did what; kept when the stack goes away.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      // ASCII only: IAM rejects other characters in role descriptions.
      description: `Execution role of ${id} (least privilege)`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const copyDirs = props.copyDirs ?? [];
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: props.entry,
      handler: props.exportName ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...r.environment,
        // Stack traces point at the TypeScript source (the bundle ships its .map file).
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        target: BUNDLE.target,
        format: OutputFormat.ESM,
        minify: BUNDLE.minify,
        sourceMap: BUNDLE.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: BUNDLE.sourcesContent,
        mainFields: BUNDLE.mainFields,
        banner: BUNDLE.banner,
        bundleAwsSDK: true,
        externalModules: BUNDLE.external,
        ...(copyDirs.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_in: string, out: string) =>
                  copyDirs.map(([from, to]) => `mkdir -p "${out}/${to}" && cp -R "${from}/." "${out}/${to}/"`),
              },
            }
          : {}),
      },
    });

    this.grant(r, props.access, props.tableScope);
    if (props.deadLetterQueue) {
      // The dead-letter queues are encrypted with the ops CMK: sending needs its data key.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [r.opsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'sqs') } },
        }),
      );
    }

    // Findings every platform function raises, for reasons that hold for all of them.
    const v = Validations.of(this);
    v.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.',
    });
    const runtimeReason =
      'Node.js 22 is the runtime the platform is built and tested for (esbuild target node22); a runtime upgrade is a deliberate, tested change.';
    v.acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
    v.acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: runtimeReason });
    if (!props.deadLetterQueue) {
      v.acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Invoked synchronously (API Gateway, the authorizer call, the custom-resource provider): the caller receives the error; a DLQ only applies to asynchronous invocations.',
      });
    }
  }

  private grant(r: PlatformResources, access: FunctionAccess, scope?: TableScope): void {
    const fn = this.fn;
    if (access.table !== 'none') {
      const tableArn = r.table.tableArn;
      // Index ARNs named one by one (from shared/db/table.ts), not index/*.
      const indexArns = TABLE.globalIndexes.map((g) => `${tableArn}/index/${g.name}`);
      const write = access.table === 'readWrite';
      if (scope) {
        this.role.addToPolicy(new iam.PolicyStatement({ actions: scope.readActions, resources: [tableArn] }));
        if (scope.write) {
          this.role.addToPolicy(
            new iam.PolicyStatement({
              actions: scope.write.actions,
              resources: [tableArn],
              conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': scope.write.leadingKeyPrefixes.map((p) => `${p}*`) } },
            }),
          );
        }
      } else {
        this.role.addToPolicy(new iam.PolicyStatement({ actions: [...READ_ACTIONS, ...(write ? WRITE_ACTIONS : [])], resources: [tableArn] }));
        this.role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
      }
      const writes = scope ? Boolean(scope.write) : write;
      if (writes) {
        // S1: the operation log is append-only even for a role that may write the table. A log
        // entry is only ever Put (in its change's transaction, attribute_not_exists); updating,
        // deleting or batch-writing an item of a log partition is denied outright.
        this.role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'OpLogAppendOnly',
            effect: iam.Effect.DENY,
            actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
            resources: [tableArn],
            conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [`${OP_LOG_PK_PREFIX}*`] } },
          }),
        );
      }
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [...TABLE_KEY_READ, ...(writes ? TABLE_KEY_WRITE : [])],
          resources: [r.tableKey.keyArn],
          // The table key is usable only through DynamoDB, never directly.
          conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'dynamodb') } },
        }),
      );
    }
    if (access.pii) {
      this.role.addToPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [r.piiKey.keyArn] }));
      fn.addEnvironment('PII_KMS_KEY_ID', r.piiKey.keyArn);
    }
    const secrets: Array<[secretsmanager.ISecret, string]> = [];
    if (access.sessionKeys) secrets.push([r.sessionKeys, 'SESSION_KEYS_SECRET_ARN']);
    if (access.blindIndex) secrets.push([r.blindIndexKey, 'BLIND_INDEX_SECRET_ARN']);
    for (const [secret, env] of secrets) {
      this.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
      fn.addEnvironment(env, secret.secretArn);
    }
    if (secrets.length > 0) {
      // The secrets are encrypted with the ops CMK: Decrypt, only as Secrets Manager asks for it.
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [r.opsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': viaService(this, 'secretsmanager') } },
        }),
      );
    }
  }
}

/**
 * The kms:ViaService values of a service in this stack's region, partition-correct: in the China
 * regions service endpoints end in amazonaws.com.cn. Both spellings are listed, so the condition
 * holds whichever partition the (possibly unresolved) region belongs to.
 */
export function viaService(scope: Construct, service: string): string[] {
  const region = Stack.of(scope).region;
  return [`${service}.${region}.amazonaws.com`, `${service}.${region}.amazonaws.com.cn`];
}
