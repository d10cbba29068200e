// The runtime layer: Container[] once per lint (a Dockerfile stage x what runs it), and reporting over containers.
export type { AppliedMount, Container, Runner, RunnerKind, RunningContainer } from './types';
export { hiddenByMount, hiddenPath, mountHiddenEdit } from './mounts';
export type { HiddenByMount } from './mounts';
export { containers, containersOf, gcloudList, prepareContainers, running } from './containers';
export { hasOwnCommand, perContainer } from './report';
export { entryLabel } from './label';
export { containerPython, installerPython, searchedDirs } from './python';
export type { ContainerPython } from './python';
export type { ImportsOf } from './closure';
export type { ContainerExplanation, ExplainedFile, ExplainedPart } from './explain';
export { explain } from './explain';
