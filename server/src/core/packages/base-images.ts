// Facts about known base images: which Python they run, where its interpreter and site-packages are, what they preinstall (one table; sources in docs/assumptions.md).

export interface BaseImageFacts {
  /** `3.11`; undefined when the tag does not pin it (`python:3`, `latest`, ML images whose Python varies by tag). */
  pythonVersion?: string;
  /** Absolute path of the interpreter `python` runs. */
  interpreter?: string;
  /** The interpreter's site-packages (where `pip install` puts distributions); undefined when it depends on an unknown version. */
  sitePackages?: string;
  /** Normalised distribution names the image already has (pip, setuptools, torch in a pytorch image ...). */
  preinstalled: string[];
  /**
   * True when `preinstalled` is all the image has (official python images); false when the image
   * ships more distributions than the table lists (ML and conda images), so an import may be satisfied by the image.
   */
  preinstalledComplete: boolean;
  /** `apt`: the image has no Python until `apt-get install python3` (ubuntu, debian); `image`: Python is in the image. */
  python: 'image' | 'apt';
  /**
   * The image's Python is its only one: the official slim and alpine variants (from debian:*-slim / alpine, which have
   * none) install one into /usr/local with `python`, `python3` and `pythonX.Y`; the full variants carry Debian's
   * python3 too (buildpack-deps installs mercurial). Undefined: not known.
   */
  soleInterpreter?: boolean;
  /**
   * The root folder holds only the standard folders (bin, etc, usr ...), no files of its own: the official python images
   * and Debian/Ubuntu (NGC images, by contrast, put an entrypoint and licence files there). A file a command names
   * at `/` is then the Dockerfile's or nothing.
   */
  emptyRoot?: boolean;
  /** The image has no pip (distroless): installs happen in a builder stage. */
  noPip?: boolean;
  /** ENV the image's config sets that a Dockerfile's `$VAR` and the container see (PATH). */
  env?: Record<string, string>;
  /** The image config's WORKDIR (the folder exists in the image). */
  workdir?: string;
  /** The image config's ENTRYPOINT (exec form), which a Dockerfile's CMD feeds unless it sets its own ENTRYPOINT. */
  entrypoint?: string[];
  /** The image config's USER. */
  user?: string;
  /**
   * What `/bin/sh` is (the shell Docker runs shell-form CMD/ENTRYPOINT/RUN with): `dash` on Debian and Ubuntu, BusyBox
   * `ash` on Alpine, `bash` on Amazon Linux and RHEL/UBI; `none`: the image has no shell (distroless). Undefined: not known.
   */
  binSh?: 'dash' | 'ash' | 'bash' | 'none';
}

/** One row: a pattern over the lower-cased reference (registry/repository:tag) and what it means. */
interface Row {
  match: RegExp;
  /** Facts from the match groups. */
  facts(m: RegExpExecArray): BaseImageFacts;
}

const LIBRARY = '(?:docker\\.io\\/)?(?:library\\/)?(?:public\\.ecr\\.aws\\/docker\\/library\\/)?';

/** PATH in Debian's, Ubuntu's and Alpine's image configs, and Docker's default for a container whose image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The official python images prepend /usr/local/bin ("ensure local python is preferred over distribution python"). */
const PYTHON_IMAGE_PATH = `/usr/local/bin:${DEFAULT_PATH}`;

/** Debian/Ubuntu releases -> the version of their `python3` package. */
const APT_PYTHON: Record<string, string> = {
  // Debian
  buster: '3.7', '10': '3.7', bullseye: '3.9', '11': '3.9', bookworm: '3.11', '12': '3.11', trixie: '3.13', '13': '3.13',
  // Ubuntu
  bionic: '3.6', '18.04': '3.6', focal: '3.8', '20.04': '3.8', jammy: '3.10', '22.04': '3.10', noble: '3.12', '24.04': '3.12',
};

const PYTHON_IMAGE = (version: string | undefined, ref = ''): BaseImageFacts => ({
  pythonVersion: version,
  // The official images are Debian (bookworm, slim ...) unless the tag says alpine.
  binSh: /alpine/.test(ref) ? 'ash' : /windowsservercore|nanoserver/.test(ref) ? undefined : 'dash',
  interpreter: '/usr/local/bin/python',
  ...(/-(?:slim|alpine)/.test(ref) ? { soleInterpreter: true } : {}),
  emptyRoot: true,
  sitePackages: version ? `/usr/local/lib/python${version}/site-packages` : undefined,
  // Official images stopped installing setuptools and wheel from 3.12 (docker-library/python#954).
  preinstalled: !version || minor(version) < 12 ? ['pip', 'setuptools', 'wheel'] : ['pip'],
  preinstalledComplete: true,
  python: 'image',
  env: { PATH: PYTHON_IMAGE_PATH },
});

/** The ML images below are Ubuntu- or Debian-based: /bin/sh is dash. */
const ML = (interpreter: string, preinstalled: string[]): BaseImageFacts => ({
  interpreter,
  binSh: 'dash',
  preinstalled,
  preinstalledComplete: false,
  python: 'image',
});

const CONDA = ML('/opt/conda/bin/python', ['pip', 'setuptools', 'wheel', 'conda']);

/**
 * AWS Lambda's Python base images (public.ecr.aws/lambda/python:3.12, amazon/aws-lambda-python:3.9): Python under
 * /var/lang, the function code in LAMBDA_TASK_ROOT (/var/task, the WORKDIR), the runtime interface client and the AWS
 * SDK preinstalled, and ENTRYPOINT /lambda-entrypoint.sh, which takes the handler (`module.function`) as its one
 * argument (the CMD). Sources in docs/assumptions.md ("AWS Lambda base images").
 */
const LAMBDA_IMAGE = (version: string | undefined): BaseImageFacts => ({
  pythonVersion: version,
  interpreter: version ? `/var/lang/bin/python${version}` : '/var/lang/bin/python3',
  sitePackages: version ? `/var/lang/lib/python${version}/site-packages` : undefined,
  preinstalled: ['pip', 'setuptools', 'awslambdaric', 'boto3', 'botocore', 's3transfer', 'jmespath', 'python-dateutil', 'six', 'urllib3', 'simplejson'],
  preinstalledComplete: true,
  python: 'image',
  env: { PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin', LANG: 'en_US.UTF-8', TZ: ':/etc/localtime', LAMBDA_TASK_ROOT: '/var/task', LAMBDA_RUNTIME_DIR: '/var/runtime' },
  workdir: '/var/task',
  entrypoint: ['/lambda-entrypoint.sh'],
  binSh: 'bash',
});

/**
 * Red Hat's s2i Python images (registry.access.redhat.com/ubi9/python-311, quay.io/sclorg/python-312-c9s): a virtualenv
 * at /opt/app-root made from python3.X, first on PATH; HOME and WORKDIR /opt/app-root/src; USER 1001; ENTRYPOINT
 * container-entrypoint (which execs its arguments). Sources: sclorg/s2i-python-container 3.X/Dockerfile.rhel9 and
 * sclorg/s2i-base-container (docs/assumptions.md, "Red Hat s2i Python images").
 */
const S2I_PYTHON = (version: string): BaseImageFacts => ({
  pythonVersion: version,
  interpreter: '/opt/app-root/bin/python3',
  sitePackages: `/opt/app-root/lib/python${version}/site-packages`,
  preinstalled: minor(version) < 12 ? ['pip', 'setuptools'] : ['pip'],
  preinstalledComplete: true,
  python: 'image',
  env: {
    APP_ROOT: '/opt/app-root', HOME: '/opt/app-root/src', PYTHON_VERSION: version, STI_SCRIPTS_PATH: '/usr/libexec/s2i',
    PATH: `/opt/app-root/src/.local/bin/:/opt/app-root/src/bin:/opt/app-root/bin:${DEFAULT_PATH}`,
  },
  workdir: '/opt/app-root/src',
  entrypoint: ['container-entrypoint'],
  user: '1001',
  binSh: 'bash',
});

const TABLE: Row[] = [
  { match: /^(?:(?:registry\.access\.redhat\.com|registry\.redhat\.io)\/)?ubi\d+\/python-(\d)(\d{1,2})(?::|@|$)/, facts: (m) => S2I_PYTHON(`${m[1]}.${m[2]}`) },
  { match: /^quay\.io\/sclorg\/python-(\d)(\d{1,2})-c\d+s(?::|@|$)/, facts: (m) => S2I_PYTHON(`${m[1]}.${m[2]}`) },
  // AWS Lambda: public.ecr.aws/lambda/python:3.12, 3.12-arm64, 3.12.2024.05.20.23, latest; Docker Hub's amazon/aws-lambda-python.
  { match: /^(?:public\.ecr\.aws\/lambda\/python|(?:docker\.io\/)?amazon\/aws-lambda-python):(\d+)\.(\d+)(?:[.\-@]|$)/, facts: (m) => LAMBDA_IMAGE(`${m[1]}.${m[2]}`) },
  { match: /^(?:public\.ecr\.aws\/lambda\/python|(?:docker\.io\/)?amazon\/aws-lambda-python)(?::(?:3|latest)(?:-[a-z0-9_]+)?)?(?:@|$)/, facts: () => LAMBDA_IMAGE(undefined) },
  // Official python images: python:3.11, 3.11.4-slim, 3.11-alpine3.19, 3.12-bookworm, 3-slim, latest, slim; a
  // versionless variant (alpine3.14, slim-bookworm) is the newest CPython of its day on that OS.
  { match: new RegExp(`^${LIBRARY}python:(\\d+)\\.(\\d+)(?:[.\\-@]|$)`), facts: (m) => PYTHON_IMAGE(`${m[1]}.${m[2]}`, m.input) },
  { match: new RegExp(`^${LIBRARY}python(?::(?:3|latest|slim|alpine(?:\\d+\\.\\d+)?|bookworm|bullseye|buster|trixie)(?:-[a-z0-9.]+)?)?(?:@|$)`), facts: (m) => PYTHON_IMAGE(undefined, m.input) },
  // python:2, 2-stretch, 2-slim: 2.7, the last Python 2 release.
  { match: new RegExp(`^${LIBRARY}python:2(?:-[a-z0-9.]+)?(?:@|$)`), facts: (m) => PYTHON_IMAGE('2.7', m.input) },
  // uv's images derived from the official python ones: ghcr.io/astral-sh/uv:python3.12-bookworm-slim, uv:0.5-python3.12-alpine.
  { match: /^ghcr\.io\/astral-sh\/uv:(?:[\d.]+-)?python(\d+)\.(\d+)-/, facts: (m) => PYTHON_IMAGE(`${m[1]}.${m[2]}`, m.input) },
  // Microsoft's dev container images, built FROM python:<version> (tags 3.12, 1-3.12-bookworm, 0-3.9): the official image's
  // Python, with developer tools beside it (pipx venvs and more), so the preinstalled list is open.
  { match: /^mcr\.microsoft\.com\/(?:vscode\/)?devcontainers\/python:(?:\d+-)?(\d+)\.(\d+)(?:[-@]|$)/, facts: (m) => ({ ...PYTHON_IMAGE(`${m[1]}.${m[2]}`, m.input), preinstalledComplete: false }) },
  // Distroless: Debian's python3, no pip, no shell.
  {
    match: /^(?:gcr\.io|us-docker\.pkg\.dev)\/distroless\/python3(?:-debian(\d+))?(?::|@|$)/,
    facts: (m) => {
      const v = APT_PYTHON[m[1] ?? '12'];
      return { pythonVersion: v, interpreter: '/usr/bin/python3', sitePackages: '/usr/lib/python3/dist-packages', preinstalled: [], preinstalledComplete: true, python: 'image', noPip: true, env: { PATH: DEFAULT_PATH }, binSh: /:debug/.test(m.input) ? 'ash' : 'none' };
    },
  },
  // Debian and Ubuntu: Python only after `apt-get install python3`; pip then installs into /usr/local/lib/python3.X/dist-packages.
  {
    match: new RegExp(`^${LIBRARY}(debian|ubuntu):([a-z]+|\\d+(?:\\.\\d+)?)(?:[-.@]|$)`),
    facts: (m) => {
      const v = APT_PYTHON[m[2]];
      return { pythonVersion: v, interpreter: '/usr/bin/python3', sitePackages: v ? `/usr/local/lib/python${v}/dist-packages` : undefined, preinstalled: [], preinstalledComplete: true, python: 'apt', env: { PATH: DEFAULT_PATH }, binSh: 'dash', emptyRoot: true };
    },
  },
  // ML images: Python and many distributions preinstalled; the exact list and version depend on the tag.
  { match: /^(?:docker\.io\/)?pytorch\/pytorch(?::|@|$)/, facts: () => ML('/opt/conda/bin/python', ['torch', 'torchvision', 'torchaudio', 'numpy', 'pip', 'setuptools', 'conda']) },
  { match: /^nvcr\.io\/nvidia\/pytorch(?::|@|$)/, facts: () => ML('/usr/bin/python', ['torch', 'torchvision', 'numpy', 'pip', 'setuptools']) },
  { match: /^nvcr\.io\/nvidia\/tensorflow(?::|@|$)/, facts: () => ML('/usr/bin/python', ['tensorflow', 'numpy', 'pip', 'setuptools']) },
  { match: /^(?:docker\.io\/)?tensorflow\/tensorflow(?::|@|$)/, facts: () => ML('/usr/bin/python3', ['tensorflow', 'numpy', 'keras', 'pip', 'setuptools']) },
  { match: /^(?:docker\.io\/)?huggingface\/transformers-(?:pytorch|all)[\w-]*(?::|@|$)/, facts: () => ML('/usr/bin/python3', ['transformers', 'torch', 'numpy', 'tokenizers', 'huggingface-hub', 'pip']) },
  { match: /^(?:docker\.io\/)?huggingface\/transformers-tensorflow[\w-]*(?::|@|$)/, facts: () => ML('/usr/bin/python3', ['transformers', 'tensorflow', 'numpy', 'tokenizers', 'huggingface-hub', 'pip']) },
  { match: /^(?:docker\.io\/)?(?:continuumio\/(?:miniconda3|anaconda3)|condaforge\/(?:miniforge3|mambaforge))(?::|@|$)/, facts: () => CONDA },
  { match: /^(?:docker\.io\/)?mambaorg\/micromamba(?::|@|$)/, facts: (m) => ({ interpreter: '/opt/conda/bin/python', preinstalled: [], preinstalledComplete: false, python: 'image', binSh: /alpine/.test(m.input) ? 'ash' : 'dash' }) },
];

function minor(version: string): number {
  return Number(version.split('.')[1] ?? 0);
}

/**
 * The ENV a base image's config brings: the table's, else Docker's default PATH, which nearly every
 * image config sets (or extends); it only widens where a command name is looked up.
 */
export function baseImageEnv(ref: string): Record<string, string> {
  return baseImageFacts(ref)?.env ?? { PATH: DEFAULT_PATH };
}

/** Facts for a base image reference, or undefined when the image is not one we know. */
export function baseImageFacts(ref: string): BaseImageFacts | undefined {
  const r = ref.trim().toLowerCase();
  for (const row of TABLE) {
    const m = row.match.exec(r);
    if (m) return row.facts(m);
  }
  return undefined;
}
