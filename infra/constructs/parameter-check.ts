import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Validations, type CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { BUNDLE } from './domain-function';

export interface ParameterCheckProps {
  entry: string;
  /** The parameters to check, by the name the handler reads. */
  parameters: Record<string, CfnParameter>;
}

/**
 * The deploy parameters checked before anything else is created (infra/stacks/validate-handler.ts).
 * Its own resources are the only ones with no dependency on it; `guardStack` then makes every
 * other resource of the stack depend on the check, so a bad parameter fails the deployment first
 * and the rollback has nothing retained to leave behind. Its log group is not retained and not
 * encrypted with the ops key (which must not exist before the check passes); the handler logs
 * nothing but failures' parameter names.
 */
export class ParameterCheck extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ParameterCheckProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploy parameter check (first resource of the stack)',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const fn = new NodejsFunction(this, 'Fn', {
      entry: props.entry,
      description: 'jiujinban: checks deploy parameters (ID check digits, JWKS) before any resource is created',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      bundling: { forceDockerBundling: false, target: BUNDLE.target, format: OutputFormat.ESM, minify: true, banner: BUNDLE.banner, bundleAwsSDK: true, mainFields: BUNDLE.mainFields },
    });
    this.resource = new CustomResource(this, 'Check', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::JiujinbanParameterCheck',
      properties: Object.fromEntries(Object.entries(props.parameters).map(([k, p]) => [k, p.valueAsString])),
    });
    const v = Validations.of(this);
    v.acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.' });
    v.acknowledge({ id: 'AwsSolutions-L1', reason: 'Node.js 22 is the runtime the platform is built and tested for.' });
    v.acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: 'Node.js 22 is the runtime the platform is built and tested for.' });
    v.acknowledge({ id: 'Serverless-LambdaDLQ', reason: 'Invoked synchronously by CloudFormation, which records the failure as the deployment error.' });
  }

  /** Every resource of the stack outside this construct depends on the check. */
  guardStack(): void {
    const stack = Stack.of(this);
    const own = new Set<IConstruct>(this.node.findAll());
    const check = this.resource.node.defaultChild as CfnResource;
    for (const c of stack.node.findAll()) {
      if (own.has(c) || !(c instanceof CfnResource) || c.cfnResourceType === 'AWS::CDK::Metadata') continue;
      c.node.addDependency(check);
    }
  }
}
