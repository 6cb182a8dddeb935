/** The Vagrant + vagrant-libvirt VM provider and its box builder. */
export { vagrantProvider, projectDirOf } from './provider.ts';
export { buildBox, type BuiltBox, type BoxBuildOptions } from './box/box-build.ts';
export { BOX_ROLES, boxName, type BoxRole } from './box/box-recipe.ts';
export { checkManagementIsolation, type ManagementIsolation } from './isolation.ts';
export { restoreKvmPermissions } from './host-setup.ts';
export { VagrantVmNode } from './vm-node.ts';
