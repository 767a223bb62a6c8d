/**
 * Node-only parts of @cxr/train (file system): checkpoints written atomically at the
 * directory level.
 */
export { modelCheckpoint, loadCheckpoint } from './model-checkpoint.js';
export type { ModelCheckpoint, ModelCheckpointOptions } from './model-checkpoint.js';
export { replaceDirAtomic, recoverDir } from './atomic-dir.js';
export type { ReplacePhase } from './atomic-dir.js';
export { trainingCheckpoint, saveTrainingCheckpoint, loadTrainingCheckpoint } from './training-checkpoint.js';
export type { TrainingCheckpointOptions, TrainingCheckpointCallback, TrainingCheckpointPhase } from './training-checkpoint.js';
