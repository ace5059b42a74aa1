import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabHost } from './lab.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

/** Where the RKE2 installer stand-in lands on a lab host. */
export const RKE2_INSTALLER = '/opt/lab/rke2-install.sh';

/** Puts the stand-ins where a lab host finds them: systemctl (running units' ExecStart), helm, kubectl (with its store), the RKE2 installer. */
export function installKubeStandIns(host: LabHost): void {
  const place = (name: string, path: string): void => {
    mkdirSync(dirname(join(host.root, path)), { recursive: true });
    copyFileSync(join(STANDINS, name), join(host.root, path));
    chmodSync(join(host.root, path), 0o755);
  };
  place('systemctl', 'opt/lab/libexec/systemctl');
  place('systemctl-exec', 'opt/lab/bin/systemctl');
  place('helm', 'opt/lab/bin/helm');
  place('kubectl', 'opt/lab/bin/kubectl');
  place('kube_store.py', 'opt/lab/bin/kube_store.py');
  place('rke2-install.sh', RKE2_INSTALLER.slice(1));
}
