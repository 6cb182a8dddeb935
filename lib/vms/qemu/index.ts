export { qemuProvider } from './provider.ts';
export { QemuVmNode } from './vm-node.ts';
export { guestArtefacts, type GuestArtefacts } from './artefacts.ts';
export { vmMac } from './mac.ts';
export { tapName, tapAlias } from './tap.ts';
