import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface ConsoleSiteProps {
  /** The console build (web/dist): index.html and its assets. */
  assetDir: string;
  /** The API's base URL, written to /config.json at deploy time and allowed in the CSP's connect-src. */
  apiUrl: string;
}

/**
 * The web console deployed: the build in a private S3 bucket behind CloudFront, read through an
 * origin access identity (origin access control does not exist in the China regions), HTTPS only,
 * security headers from a response headers policy (CSP without inline scripts, HSTS, no framing),
 * every unknown path answered with index.html (client-side routes), and the API origin decided at
 * deploy time: /config.json is written by the deployment next to the build, never baked into it.
 * China: CloudFront there needs ICP recordal and a custom domain with an IAM-uploaded certificate
 * (docs/deploy.md); the default *.cloudfront.cn name is for testing only.
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs (its log delivery account).
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(180) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This bucket is itself the access-log bucket of the console site.' });
    // CloudFront's standard logging needs the LogDeliveryWrite ACL that CDK sets; a bucket policy cannot replace it.
    (logs.node.defaultChild as s3.CfnBucket).cfnOptions.metadata = { 'cfn-lint': { config: { ignore_checks: ['W3045'] } } };
    this.bucket = new s3.Bucket(this, 'Files', {
      // S3-managed keys: an origin access identity cannot read SSE-KMS objects, and the build is public code.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Every read goes through CloudFront (origin access identity), whose access logs are kept in the AccessLogs bucket; writes are the deployment only (CloudTrail).',
    });
    const oai = new cloudfront.OriginAccessIdentity(this, 'Identity', { comment: 'jiujinban console: CloudFront reads the build' });
    const apiOrigin = Stack.of(this).resolve(props.apiUrl) === props.apiUrl ? new URL(props.apiUrl).origin : props.apiUrl;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'jiujinban console: CSP without inline scripts, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // Styles may be inline (antd's CSS-in-JS); scripts only from this origin, never inline.
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src 'self' ${apiOrigin}`,
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'jiujinban web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket, { originAccessIdentity: oai }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      },
      // Client-side routes (/cases/…, /kiosk): the bucket answers 403/404, the console's index.html renders.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) })),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    const d = Validations.of(this.distribution);
    d.acknowledge({
      id: 'AwsSolutions-CFR7',
      reason: 'Origin access control does not exist in the China regions (cn-north-1, cn-northwest-1), where the platform runs: an origin access identity is the way CloudFront reads the private bucket there.',
    });
    d.acknowledge({ id: 'AwsSolutions-CFR1', reason: 'The console serves Shanxi service points; access is controlled by login, not by geography, and citizens travel.' });
    d.acknowledge({ id: 'AwsSolutions-CFR2', reason: 'Static build only (no server-side code); the API behind it is throttled per stage and authorised per request. AWS WAF is an account-level choice documented in docs/deploy.md.' });
    d.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'Without a custom domain CloudFront serves its default certificate, whose TLS floor it sets itself; with the custom domain (required in China) the TLSv1.2_2021 policy applies.',
    });

    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [s3deploy.Source.asset(props.assetDir), s3deploy.Source.jsonData('config.json', { apiBaseUrl: props.apiUrl })],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 512,
    });
    const stack = Stack.of(this);
    for (const c of stack.node.findAll()) {
      if (!c.node.path.includes('/Custom::CDKBucketDeployment')) continue;
      const v = Validations.of(c);
      const reason = "aws-cdk-lib's BucketDeployment handler, run once per deployment to copy the build into the bucket: its code, runtime and role are the library's.";
      const filesId = stack.getLogicalId(this.bucket.node.defaultChild as never);
      for (const id of [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((a) => `AwsSolutions-IAM5[Action::${a}]`),
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::<${filesId}.Arn>/*]`,
        // The bootstrap asset bucket: named by placeholders, or literally when the stack's env is given.
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}-${Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region}/*]`,
        'AwsSolutions-L1',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaDefaultMemorySize',
        'Serverless-LambdaLatestVersion',
        'Serverless-LambdaTracing',
        'Serverless-LambdaAsyncFailureDestination',
      ]) {
        v.acknowledge({ id, reason });
      }
    }
    this.url = `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(stack, 'ConsoleUrl', { value: this.url, description: 'The web console (CloudFront); in China use the custom domain pointed at it' });
  }
}
