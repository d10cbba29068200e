// Facts about known base images: which Python they run, where its interpreter and site-packages are, what they preinstall.

export interface BaseImageFacts {
  /** `3.11`; undefined when the tag does not pin it (`python:3`, `latest`). */
  pythonVersion?: string;
  /** Absolute path of the interpreter `python` runs. */
  interpreter?: string;
  /** The interpreter's site-packages (where `pip install` puts distributions). */
  sitePackages?: string;
  /** Normalised distribution names the image already has (pip, setuptools, torch in a pytorch image ...). */
  preinstalled: string[];
}

/** Facts for a base image reference, or undefined when the image is not one we know. */
export function baseImageFacts(ref: string): BaseImageFacts | undefined {
  const m = /^(?:docker\.io\/)?(?:library\/)?python:(\d+)(?:\.(\d+))?/i.exec(ref.trim());
  if (!m) return undefined;
  const version = m[2] !== undefined ? `${m[1]}.${m[2]}` : undefined;
  return {
    pythonVersion: version,
    interpreter: '/usr/local/bin/python',
    sitePackages: version ? `/usr/local/lib/python${version}/site-packages` : undefined,
    preinstalled: ['pip', 'setuptools', 'wheel'],
  };
}
