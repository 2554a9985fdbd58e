import { describeVersion } from './versionMatrix.js';

describeVersion(15);
