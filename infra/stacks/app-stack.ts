import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnCondition, CfnElement, CfnOutput, CfnParameter, CfnRule, CustomResource, Fn, Duration, RemovalPolicy, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { DOMAIN_APIS } from '../../functions/routes';
import { TABLE } from '../../shared/db/table';
import type { DomainApi } from '../../shared/http/route';
import { SCHEDULES, type ScheduleDef } from '../../shared/schedules';
import { DomainFunction, FULL_ACCESS, viaService, type PlatformResources, type TableScope } from '../constructs/domain-function';
import { NO_ACCESS, type FunctionAccess } from '../../shared/http/route';
import { Session } from '../../shared/db/entities/auth';
import { authorizerAccess } from '../../functions/auth/api';
import { JobSchedules } from './schedules';
import { ESCALATION_FUNCTION_TIMEOUT, Escalation } from '../constructs/escalation';
import { Operations } from '../constructs/operations';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import { OP_LOG_PK_PREFIX } from '../../shared/db/entities/platform';
import { ParameterCheck } from '../constructs/parameter-check';
import { ConsoleSite } from '../constructs/console-site';

/** Methods of the not-found fallback routes: every method the API uses, never OPTIONS (preflights). */
export const UNMATCHED_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

/** GB 11643 shape: area code, birth date 18xx–20xx, sequence, check digit (its value: the parameter check). */
export const BOOTSTRAP_ID_PATTERN = '^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultJobsEntry = (domain: string): string => join(PROJECT_ROOT, 'functions', domain, 'jobs.ts');

/**
 * The authorizer's table access, narrower than `readWrite`: it reads the session and the account
 * (one BatchGetItem) and touches only the session's lastSeenAt (UpdateItem on SESSION# partitions).
 */
export const AUTHORIZER_TABLE_SCOPE: TableScope = {
  readActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
  write: { actions: ['dynamodb:UpdateItem'], leadingKeyPrefixes: [Session.key({ sid: '' }).pk] },
};

export interface JiujinbanStackProps extends StackProps {
  /** Default: functions/routes.ts DOMAIN_APIS. */
  domainApis?: readonly DomainApi[];
  /** Default: shared/schedules.ts SCHEDULES. */
  schedules?: readonly ScheduleDef[];
  /** Where a domain's jobs live; default functions/<domain>/jobs.ts. Tests point it at a fixture. */
  jobsEntry?: (domain: string) => string;
  /** Browser origins allowed by CORS; empty = no CORS (same-origin clients only). */
  corsOrigins?: string[];
  throttle?: { rateLimit: number; burstLimit: number };
  /** The console build to host (default web/dist when it exists; none = no console site). */
  consoleAssetDir?: string;
  logRetention?: logs.RetentionDays;
}

/**
 * The whole platform in one stack: table, keys, secret, API, functions, seed, schedules.
 * One stack because everything here ships together and shares one table; cross-stack exports
 * would only add export locks (CloudFormation refuses to change an exported value in use) without
 * letting any part deploy on its own. Stateful resources are protected by RETAIN and deletion
 * protection instead of by a stack boundary.
 */
export class JiujinbanStack extends Stack {
  readonly table: dynamodb.Table;
  readonly tableKey: kms.Key;
  readonly piiKey: kms.Key;
  /** Session-token signing keys (kid, key, previous): rotated by infra/stacks/rotate-session-keys.ts. */
  readonly sessionKeys: secretsmanager.Secret;
  /** The blind-index key: never rotated (every index would have to be rebuilt). */
  readonly blindIndexKey: secretsmanager.Secret;
  /** CMK for the secrets, queues, log groups and buckets (the table and PII have their own). */
  readonly opsKey: kms.Key;
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** One Lambda per domain of DOMAIN_APIS, by domain name. */
  readonly functions: Record<string, DomainFunction> = {};
  readonly authorizerFunction: DomainFunction;
  readonly jobSchedules: JobSchedules;
  /** Large report files (CSV, XLSX), handed out by pre-signed links. */
  readonly reportFiles: s3.Bucket;
  readonly resources: PlatformResources;
  /** Alarm topic, alarms, dashboard, backup plan. */
  readonly operations: Operations;
  /** The hosted web console, when a build exists. */
  consoleSite?: ConsoleSite;
  /** Operation-log archive: S3 Object Lock, compliance mode. */
  readonly opLogArchive: s3.Bucket;
  private readonly jobFunctions = new Map<string, DomainFunction>();
  private readonly jobsEntry: (domain: string) => string;
  private readonly domainApis: readonly DomainApi[];

  constructor(scope: Construct, id: string, props: JiujinbanStackProps = {}) {
    super(scope, id, props);
    const domainApis = props.domainApis ?? DOMAIN_APIS;
    this.domainApis = domainApis;
    this.jobsEntry = props.jobsEntry ?? defaultJobsEntry;

    // ---- deploy-time parameters ------------------------------------------------------------
    const idParam = (name: string, who: string) =>
      new CfnParameter(this, name, {
        type: 'String',
        noEcho: true,
        // Format and a plausible birth date here; the check digit in the parameter check below.
        allowedPattern: BOOTSTRAP_ID_PATTERN,
        constraintDescription: '18-character resident ID number (GB 11643): 6-digit area, birth date YYYYMMDD, 3 digits, check digit 0-9 or X',
        description: `Resident ID number of the province ${who}, created on the first deployment (api.md bootstrap). Check digit validated before any resource is created.`,
      });
    const sysAdminId = idParam('BootstrapSysAdminIdNumber', 'system administrator (sys_admin)');
    const bizAdminId = idParam('BootstrapBizAdminIdNumber', 'business administrator (biz_admin)');
    const esscIssuer = new CfnParameter(this, 'EsscIssuer', {
      type: 'String',
      minLength: 1,
      description: 'e-SSC issuer name: the iss claim card assertions must carry.',
    });
    const esscJwks = new CfnParameter(this, 'EsscJwks', {
      type: 'String',
      minLength: 2,
      description: 'JSON Web Key Set (public keys only) of the e-SSC issuer, as one line of JSON: {"keys":[...]}.',
    });

    const apiDomainName = new CfnParameter(this, 'ApiDomainName', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
      description: 'Optional custom domain of the API (required in the China regions, with ICP recordal; docs/deploy.md). Empty = the execute-api address.',
    });
    const apiCertificateArn = new CfnParameter(this, 'ApiCertificateArn', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^arn:aws(-cn)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$',
      description: 'ACM certificate (same region) of ApiDomainName; give both or neither.',
    });
    // CloudFormation rules run before any resource is created.
    new CfnRule(this, 'BootstrapAdminsDiffer', {
      assertions: [
        {
          assert: Fn.conditionNot(Fn.conditionEquals(sysAdminId.valueAsString, bizAdminId.valueAsString)),
          assertDescription: 'The system and the business administrator must be two different people (two ID numbers).',
        },
        {
          assert: Fn.conditionOr(
            Fn.conditionAnd(Fn.conditionEquals(apiDomainName.valueAsString, ''), Fn.conditionEquals(apiCertificateArn.valueAsString, '')),
            Fn.conditionAnd(Fn.conditionNot(Fn.conditionEquals(apiDomainName.valueAsString, '')), Fn.conditionNot(Fn.conditionEquals(apiCertificateArn.valueAsString, ''))),
          ),
          assertDescription: 'ApiDomainName and ApiCertificateArn: give both or neither.',
        },
      ],
    });
    // The check digit and the JWKS: a custom resource that every other resource waits for.
    const parameterCheck = new ParameterCheck(this, 'ParameterCheck', {
      entry: join(PROJECT_ROOT, 'infra', 'stacks', 'validate-handler.ts'),
      parameters: {
        BootstrapSysAdminIdNumber: sysAdminId,
        BootstrapBizAdminIdNumber: bizAdminId,
        EsscJwks: esscJwks,
        ApiDomainName: apiDomainName,
        ApiCertificateArn: apiCertificateArn,
      },
    });

    // ---- keys, secret, table ---------------------------------------------------------------
    this.tableKey = new kms.Key(this, 'TableKey', {
      description: 'jiujinban: at-rest encryption of the DynamoDB table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.piiKey = new kms.Key(this, 'PiiKey', {
      description: 'jiujinban: wraps the data keys that seal ID numbers and phone numbers (envelope encryption)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.opsKey = new kms.Key(this, 'OpsKey', {
      description: 'jiujinban: at-rest encryption of secrets, queues, log groups, report and archive buckets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts our log groups with it (only log groups of this account and region).
    this.opsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
      }),
    );
    this.sessionKeys = new secretsmanager.Secret(this, 'SessionKeys', {
      description: 'jiujinban: session-token signing keys {kid, key, previous} (generated, never in the template; rotated)',
      encryptionKey: this.opsKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ kid: 'k1' }),
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.blindIndexKey = new secretsmanager.Secret(this, 'BlindIndexKey', {
      description: 'jiujinban: blind-index key of ID numbers and phones (generated; NOT rotatable without re-indexing)',
      encryptionKey: this.opsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.blindIndexKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated on purpose: every stored blind index (people, accounts, cases by applicant) is an HMAC under this key; ' +
        'a new key makes every ID-number lookup miss until every record is re-indexed (docs/deploy.md, Keys). The session-' +
        'signing keys, which can rotate, are a separate secret with a rotation schedule.',
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      // The op-log archive reads log items from the stream (old images too: an edit is evidence).
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const g of TABLE.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: g.name,
        partitionKey: { name: g.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: g.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const corsOrigins = props.corsOrigins ?? [];
    this.resources = {
      table: this.table,
      tableKey: this.tableKey,
      piiKey: this.piiKey,
      sessionKeys: this.sessionKeys,
      blindIndexKey: this.blindIndexKey,
      opsKey: this.opsKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      // Names exactly as shared/config.ts reads them (test/infra checks through loadConfig).
      environment: {
        TABLE_NAME: this.table.tableName,
        CORS_ORIGINS: corsOrigins.join(','),
        LOG_LEVEL: 'INFO',
      },
    };

    // ---- session-key rotation: a new kid every 30 days; the previous key verifies one session lifetime
    const rotator = new DomainFunction(this, 'RotateSessionKeys', {
      entry: join(PROJECT_ROOT, 'infra', 'stacks', 'rotate-session-keys.ts'),
      description: 'jiujinban: rotates the session-signing keys (new kid, previous kept for one session lifetime)',
      resources: this.resources,
      access: NO_ACCESS,
      timeout: Duration.seconds(30),
    });
    this.sessionKeys.addRotationSchedule('Rotation', { rotationLambda: rotator.fn, automaticallyAfter: Duration.days(30) });
    const opsKeyId = this.getLogicalId(this.opsKey.node.defaultChild as CfnElement);
    Validations.of(rotator.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'secretsmanager:GetRandomPassword (the new key) and X-Ray segments support no resource-level permissions.',
    });
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      Validations.of(rotator.role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `aws-cdk-lib's rotation grant on the ops key (${opsKeyId}) of the one secret it rotates: Secrets Manager re-encrypts the new version under it.`,
      });
    }

    // ---- report files ----------------------------------------------------------------------
    this.reportFiles = new s3.Bucket(this, 'ReportFiles', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.opsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Files are renderings of stored reports (R4 keeps the report itself in the table): a
      // rendering is made again on request, so old files need not live long.
      lifecycleRules: [{ expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.reportFiles).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only renderings of reports stored in the table, read through short pre-signed links; who asked for which report is in the operation log and the API access log.',
    });

    // ---- functions -------------------------------------------------------------------------
    for (const api of domainApis) {
      const entry = join(PROJECT_ROOT, 'functions', api.domain, 'handler.ts');
      if (!existsSync(entry)) throw new Error(`domain ${api.domain}: ${entry} is missing`);
      this.functions[api.domain] = new DomainFunction(this, `Domain-${api.domain}`, {
        entry,
        description: `jiujinban ${api.domain} API`,
        resources: this.resources,
        access: api.access,
        timeout: Duration.seconds(15),
        // The e-SSC issuer keys matter only where card assertions are verified.
        environment: api.domain === 'auth' ? { ESSC_ISSUER: esscIssuer.valueAsString, ESSC_JWKS: esscJwks.valueAsString } : {},
      });
    }
    if (this.functions.reports) this.grantReportFiles(this.functions.reports);
    this.authorizerFunction = new DomainFunction(this, 'Authorizer', {
      entry: join(PROJECT_ROOT, 'functions', 'auth', 'authorizer.ts'),
      description: 'jiujinban HTTP API authorizer (token → session → account, every request)',
      resources: this.resources,
      access: authorizerAccess,
      tableScope: AUTHORIZER_TABLE_SCOPE,
      timeout: Duration.seconds(5),
    });

    // ---- HTTP API --------------------------------------------------------------------------
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: this.resources.logRetention,
      encryptionKey: this.opsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${this.stackName}-api`,
      description: '就近办 jiujinban HTTP API',
      createDefaultStage: false,
      ...(corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: corsOrigins,
              allowMethods: [
                apigwv2.CorsHttpMethod.GET,
                apigwv2.CorsHttpMethod.POST,
                apigwv2.CorsHttpMethod.PUT,
                apigwv2.CorsHttpMethod.DELETE,
                apigwv2.CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-terminal-id'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // Route key, not the raw path or query: paths may carry identifiers we do not want in logs.
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            responseBytes: '$context.responseLength',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // No identity source: with one, API Gateway itself answers a bare 401 when the header is
    // missing; without it the authorizer always runs and the handler answers with the api.md
    // envelope. No caching (TTL 0): a freeze or logout takes effect on the very next request.
    const authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', this.authorizerFunction.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const none = new apigwv2.HttpNoneAuthorizer();
    const integrations: Record<string, HttpLambdaIntegration> = {};
    for (const api of domainApis) {
      const integration = new HttpLambdaIntegration(`Integration-${api.domain}`, this.functions[api.domain]!.fn);
      integrations[api.domain] = integration;
      for (const [operationId, spec] of Object.entries(api.routes)) {
        if (spec.localOnly) continue; // e.g. POST /dev/card-scan: never deployed
        const [route] = this.api.addRoutes({
          path: spec.path,
          methods: [apigwv2.HttpMethod[spec.method]],
          integration,
          authorizer: spec.auth === 'public' ? none : authorizer,
        });
        if (spec.throttle) {
          // A route's own limit (e.g. the public case-status lookup), in the stage's route settings.
          const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
          // RouteSettings is untyped JSON in the L1: CloudFormation's own (PascalCase) names.
          cfnStage.routeSettings = { ...(cfnStage.routeSettings as object), [`${spec.method} ${spec.path}`]: { ThrottlingRateLimit: spec.throttle.rateLimit, ThrottlingBurstLimit: spec.throttle.burstLimit } };
          cfnStage.node.addDependency(route!);
        }
        if (spec.auth === 'public') {
          Validations.of(route!).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${api.domain}.${operationId} (${spec.method} ${spec.path}) is public by contract (api.md): reached before login.`,
          });
        }
      }
    }
    // Anything no route matches reaches the platform function, whose pipeline answers the api.md
    // 404 envelope (ROUTE_NOT_FOUND) as the local server does, instead of API Gateway's bare 404.
    // One greedy route per method, never `$default` or `ANY`: a catch-all also receives the
    // browser's OPTIONS preflights (even with CORS configured) and would answer them 404. With no
    // OPTIONS route at all, API Gateway answers every preflight itself from corsPreflight.
    const platform = integrations.platform;
    if (platform) {
      for (const method of UNMATCHED_METHODS) {
        const fallback = new apigwv2.HttpRoute(this, `Unmatched${method}`, {
          httpApi: this.api,
          routeKey: apigwv2.HttpRouteKey.with('/{proxy+}', apigwv2.HttpMethod[method]),
          integration: platform,
        });
        Validations.of(fallback).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${method} /{proxy+} only answers 404 ROUTE_NOT_FOUND (platform function) for paths no route matches; it serves no data.`,
        });
      }
    }
    // Without an identity source the authorizer resource must not carry the property at all.
    const cfnAuthorizer = this.node.findAll().find((c) => c instanceof apigwv2.CfnAuthorizer) as apigwv2.CfnAuthorizer | undefined;
    cfnAuthorizer?.addPropertyDeletionOverride('IdentitySource');

    // ---- seed (custom resource) ------------------------------------------------------------
    const bootstrap = new secretsmanager.Secret(this, 'BootstrapAdmins', {
      description: 'jiujinban: ID numbers of the two province bootstrap admins (from NoEcho parameters; read, then deleted, by the seed)',
      encryptionKey: this.opsKey,
      secretObjectValue: {
        sysAdminId: SecretValue.cfnParameter(sysAdminId),
        bizAdminId: SecretValue.cfnParameter(bizAdminId),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bootstrap).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Holds deploy-time input (two ID numbers) read once by the seed; there is nothing to rotate.',
    });
    const seedFn = new DomainFunction(this, 'Seed', {
      entry: join(PROJECT_ROOT, 'infra', 'stacks', 'seed-handler.ts'),
      description: 'jiujinban deploy-time seed: regions, catalogue v1, province bootstrap admins',
      resources: this.resources,
      access: FULL_ACCESS,
      timeout: Duration.minutes(5),
      copyDirs: [[join(PROJECT_ROOT, 'shared', 'seed', 'data'), 'data']],
    });
    bootstrap.grantRead(seedFn.role);
    // The seed deletes the bootstrap secret once the accounts exist (the ID numbers live sealed in the table).
    seedFn.role.addToPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DeleteSecret'], resources: [bootstrap.secretArn] }));
    const seedProviderLogs = new logs.LogGroup(this, 'SeedProviderLogs', {
      retention: this.resources.logRetention,
      encryptionKey: this.opsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Own role instead of the managed AWSLambdaBasicExecutionRole: logs to its own group only.
    const seedProviderRole = new iam.Role(this, 'SeedProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Custom-resource provider framework of the seed (relays CloudFormation events)',
    });
    seedProviderRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [seedProviderLogs.logGroupArn] }),
    );
    const seedProvider = new cr.Provider(this, 'SeedProvider', {
      onEventHandler: seedFn.fn,
      logGroup: seedProviderLogs,
      frameworkOnEventRole: seedProviderRole,
    });
    new CustomResource(this, 'SeedBaseline', {
      serviceToken: seedProvider.serviceToken,
      resourceType: 'Custom::JiujinbanSeed',
      // The ARN only, never the numbers: the provider framework logs every event it relays.
      properties: { BootstrapSecretArn: bootstrap.secretArn },
    });
    acknowledgeProviderFramework(seedProvider, seedProviderRole, seedFn.fn);

    // ---- schedules -------------------------------------------------------------------------
    this.jobSchedules = new JobSchedules(this, 'Schedules', {
      schedules: props.schedules ?? SCHEDULES,
      key: this.opsKey,
      target: (def) => this.jobFunction(def.domain, def.exportName).fn,
    });
    acknowledgeDeadLetterQueue(this.jobSchedules.deadLetterQueue, 'the job schedules (targets EventBridge Scheduler could not invoke)');

    // ---- problem escalation (functions/problems, infra/constructs/escalation.ts) --------------
    const problemsFn = this.functions.problems?.fn;
    let escalation: Escalation | undefined;
    if (problemsFn) {
      escalation = new Escalation(this, 'Escalation', {
        tasksFunction: this.jobFunction('problems', 'escalationTask', undefined, ESCALATION_FUNCTION_TIMEOUT).fn,
        logRetention: this.resources.logRetention,
        logKey: this.opsKey,
      });
      escalation.stateMachine.grantStartExecution(problemsFn);
      problemsFn.addEnvironment('ESCALATION_STATE_MACHINE_ARN', escalation.stateMachine.stateMachineArn);
      // An execution that times out (or is stopped by hand) never reaches RecordFailure: its
      // status-change event marks the problem flowFailed instead (functions/problems/tasks.ts).
      new events.Rule(this, 'EscalationEnded', {
        description: 'Escalation execution TIMED_OUT or ABORTED: mark the problem flowFailed',
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { status: ['TIMED_OUT', 'ABORTED'], stateMachineArn: [escalation.stateMachine.stateMachineArn] },
        },
        targets: [new eventsTargets.LambdaFunction(this.jobFunction('problems', 'escalationEnded', undefined, Duration.seconds(30)).fn, { retryAttempts: 3, maxEventAge: Duration.hours(6), deadLetterQueue: this.jobDeadLetters() })],
      });
    }

    // ---- op-log archive: stream → function → S3 Object Lock (compliance) -----------------------
    const retentionYears = Number(this.node.tryGetContext('opLogRetentionYears') ?? 6);
    if (!Number.isInteger(retentionYears) || retentionYears < 1 || retentionYears > 30) throw new Error('context opLogRetentionYears must be 1–30 years');
    this.opLogArchive = new s3.Bucket(this, 'OpLogArchive', {
      objectLockEnabled: true,
      // Compliance mode: nobody, the root user included, can delete or overwrite an archived entry before it expires.
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionYears * 366)),
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.opsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.opLogArchive).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Written only by the archive function (its role, CloudTrail records the calls); objects are immutable under Object Lock, so access logs would add no evidence.',
    });
    const archiver = new DomainFunction(this, 'OpLogArchiver', {
      entry: join(PROJECT_ROOT, 'functions', 'oplog', 'archive.ts'),
      description: 'jiujinban: archives every operation-log item from the table stream to the Object Lock bucket',
      resources: this.resources,
      access: NO_ACCESS,
      timeout: Duration.seconds(60),
      environment: { OPLOG_ARCHIVE_BUCKET: this.opLogArchive.bucketName },
      deadLetterQueue: this.jobDeadLetters(),
    });
    archiver.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.opLogArchive.arnForObjects('oplog/*')] }));
    archiver.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.opsKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': viaService(this, 's3') } } }),
    );
    archiver.fn.addEventSource(
      new lambdaEventSources.DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        retryAttempts: 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new lambdaEventSources.SqsDlq(this.jobDeadLetters()),
        filters: [lambda.FilterCriteria.filter({ dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(OP_LOG_PK_PREFIX) } } } })],
      }),
    );
    const archiveId = this.getLogicalId(this.opLogArchive.node.defaultChild as CfnElement);
    Validations.of(archiver.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${archiveId}.Arn>/oplog/*]`,
      reason: 'Archive objects are keyed oplog/<date>/<partition>/<entry>: the prefix is the narrowest resource every log entry is written under.',
    });
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      Validations.of(archiver.role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: "aws-cdk-lib's SqsDlq on-failure grant (sendMessages) on the ops key of the one dead-letter queue: records that kept failing are kept there.",
      });
    }
    new CfnOutput(this, 'OpLogArchiveBucket', { value: this.opLogArchive.bucketName, description: `Operation-log archive (Object Lock, compliance, ${retentionYears} years)` });

    // ---- alarms, dashboard, backup -----------------------------------------------------------
    const monitored: Record<string, lambda.IFunction> = {};
    for (const [domain, f] of Object.entries(this.functions)) monitored[domain] = f.fn;
    for (const [key, f] of this.jobFunctions) monitored[`job-${key}`] = f.fn;
    monitored.opLogArchiver = archiver.fn;
    this.operations = new Operations(this, 'Operations', {
      key: this.opsKey,
      api: this.api,
      stage: this.stage,
      functions: monitored,
      authorizer: this.authorizerFunction.fn,
      deadLetterQueues: { Jobs: this.jobDeadLetters(), Schedules: this.jobSchedules.deadLetterQueue },
      ...(escalation ? { stateMachine: escalation.stateMachine } : {}),
      table: this.table,
    });
    if (escalation) {
      escalation.failedExecutionsAlarm.addAlarmAction(new cwActions.SnsAction(this.operations.topic));
      new CfnOutput(this, 'EscalationStateMachineArn', { value: escalation.stateMachine.stateMachineArn, description: 'Problem escalation state machine (Step Functions console: executions)' });
    }
    new CfnOutput(this, 'JobDeadLetterQueueUrl', { value: this.jobDeadLetters().queueUrl, description: 'DLQ: job invocations that failed after retries (runbook: JobsDeadLetters)' });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', { value: this.jobSchedules.deadLetterQueue.queueUrl, description: 'DLQ: schedules Scheduler could not deliver (runbook: SchedulesDeadLetters)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.topic.topicArn, description: 'SNS topic of every alarm' });
    new CfnOutput(this, 'DashboardName', { value: this.operations.dashboard.dashboardName, description: 'CloudWatch dashboard' });

    // ---- optional custom domain (China: required, with ICP recordal) -------------------------
    const customDomain = new CfnCondition(this, 'HasApiDomain', { expression: Fn.conditionNot(Fn.conditionEquals(apiDomainName.valueAsString, '')) });
    const domain = new apigwv2.CfnDomainName(this, 'ApiDomain', {
      domainName: apiDomainName.valueAsString,
      domainNameConfigurations: [{ certificateArn: apiCertificateArn.valueAsString, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' }],
    });
    domain.cfnOptions.condition = customDomain;
    // cfn-lint resolves the certificate parameter to its default '' (no ARN): the resource only
    // exists when ApiDomainName is given, and the rule above then requires the certificate too.
    domain.cfnOptions.metadata = { 'cfn-lint': { config: { ignore_checks: ['W1030'] } } };
    const mapping = new apigwv2.CfnApiMapping(this, 'ApiDomainMapping', { apiId: this.api.apiId, domainName: domain.ref, stage: this.stage.stageName });
    mapping.cfnOptions.condition = customDomain;
    mapping.node.addDependency(this.stage);
    const domainTarget = new CfnOutput(this, 'ApiDomainTarget', {
      value: domain.attrRegionalDomainName,
      description: 'DNS: point ApiDomainName (CNAME) at this name',
    });
    domainTarget.condition = customDomain;
    new CfnOutput(this, 'ApiCustomUrl', {
      value: Fn.conditionIf(customDomain.logicalId, `https://${apiDomainName.valueAsString}`, 'none').toString(),
      description: 'Base URL of the API on its custom domain (none when ApiDomainName is empty)',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'Base URL of the HTTP API' });

    // ---- the web console (CloudFront + private S3, infra/constructs/console-site.ts) -----------
    const consoleDir = props.consoleAssetDir ?? join(PROJECT_ROOT, 'web', 'dist');
    if (existsSync(join(consoleDir, 'index.html'))) {
      // The API origin the console calls: the custom domain when one is given, else execute-api.
      const apiBase = Fn.conditionIf(customDomain.logicalId, `https://${apiDomainName.valueAsString}`, this.api.apiEndpoint).toString();
      this.consoleSite = new ConsoleSite(this, 'Console', { assetDir: consoleDir, apiUrl: apiBase });
    }
    new CfnOutput(this, 'TableName', { value: this.table.tableName });

    // Last: everything created above waits for the parameter check.
    parameterCheck.guardStack();
  }

  /**
   * The Lambda running functions/<domain>/jobs.ts export `exportName` (one per pair, created on
   * first use). Schedules and the escalation state machine use it for their task handlers.
   */
  private jobDlq?: sqs.Queue;
  /** Failed asynchronous job invocations (after Lambda's own retries). */
  jobDeadLetters(): sqs.Queue {
    if (!this.jobDlq) {
      this.jobDlq = new sqs.Queue(this, 'JobDeadLetters', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.opsKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledgeDeadLetterQueue(this.jobDlq, 'the job Lambdas (asynchronous invocations that failed after retries)');
    }
    return this.jobDlq;
  }

  /** A job's access, as declared beside its domain's routes (DomainApi.jobs). */
  private jobAccess(domain: string, exportName: string): FunctionAccess {
    return this.domainApis.find((a) => a.domain === domain)?.jobs?.[exportName] ?? NO_ACCESS;
  }

  jobFunction(domain: string, exportName: string, access: FunctionAccess = this.jobAccess(domain, exportName), timeout: Duration = Duration.minutes(5)): DomainFunction {
    const key = `${domain}.${exportName}`;
    let fn = this.jobFunctions.get(key);
    if (!fn) {
      const entry = this.jobsEntry(domain);
      if (!existsSync(entry)) throw new Error(`job ${key}: ${entry} is missing`);
      fn = new DomainFunction(this, `Job-${domain}-${exportName}`, {
        entry,
        exportName,
        description: `jiujinban job ${key}`,
        resources: this.resources,
        access,
        timeout,
        memorySize: 1024,
        // Scheduler and Step Functions invoke asynchronously: a job that keeps failing lands here.
        deadLetterQueue: this.jobDeadLetters(),
      });
      if (domain === 'reports') this.grantReportFiles(fn);
      this.jobFunctions.set(key, fn);
    }
    return fn;
  }

  /** The reports function and its jobs write files and sign links to them. */
  private grantReportFiles(fn: DomainFunction): void {
    // Exactly the two object actions a pre-signed upload-then-link needs, no wildcard actions.
    fn.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [this.reportFiles.arnForObjects('reports/*')] }));
    // The bucket is encrypted with the ops CMK (SSE-KMS, bucket key): only through S3.
    fn.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.opsKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': viaService(this, 's3') } } }),
    );
    const bucketId = this.getLogicalId(this.reportFiles.node.defaultChild as CfnElement);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/reports/*]`,
      reason: 'Report files are keyed reports/<region>/<type>/<period>/<file>: the prefix is the narrowest resource a report of any region can be written under.',
    });
    fn.fn.addEnvironment('REPORTS_BUCKET', this.reportFiles.bucketName);
  }
}

/** A dead-letter queue needs no dead-letter queue of its own. */
function acknowledgeDeadLetterQueue(queue: sqs.Queue, of: string): void {
  const reason = `This queue is itself the dead-letter queue of ${of}.`;
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
}

/** The custom-resources Provider's own framework Lambda: AWS's code, configured by aws-cdk-lib. */
function acknowledgeProviderFramework(provider: cr.Provider, role: iam.Role, onEvent: NodejsFunction): void {
  const v = Validations.of(provider);
  const stack = Stack.of(provider);
  const onEventId = stack.getLogicalId(onEvent.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${onEventId}.Arn>:*]`,
    reason: 'The provider framework may invoke any version of the seed function (and only that function).',
  });
  const framework = 'Provider framework Lambda of aws-cdk-lib custom-resources, run once per deployment';
  v.acknowledge({ id: 'Serverless-LambdaDLQ', reason: `${framework}: invoked synchronously by CloudFormation, which records the failure.` });
  v.acknowledge({ id: 'Serverless-LambdaDefaultMemorySize', reason: `${framework}: it only relays the event to the seed function; its memory is not ours to tune.` });
  v.acknowledge({ id: 'Serverless-LambdaTracing', reason: `${framework}: the seed function it calls is traced; the relay is not configurable.` });
}
