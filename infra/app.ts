import { buildApp } from './stacks/build';

/** CDK entry (cdk.json "app"): `npm run synth`, `npm run deploy`. */
buildApp().app.synth();
