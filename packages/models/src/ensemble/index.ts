export { probabilityEnsemble } from './probability-ensemble.js';
export type { ProbabilityEnsembleOptions } from './probability-ensemble.js';
export { denseEnsemble, defaultFeatureLayer } from './dense-ensemble.js';
export type { DenseEnsembleOptions } from './dense-ensemble.js';
export { averageEnsemble, votingEnsemble } from './average.js';
export type { VotingEnsemble } from './average.js';
export { checkMembers } from './members.js';
export type { MemberInfo } from './members.js';
