import dev.writ.engine.bundle.BundleException
import dev.writ.engine.bundle.BundleKeys
import dev.writ.engine.bundle.BundleReader

def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 2 : "expected 2 Maven runs in build.log, found ${runs.size()}"
def bundle = new File(basedir, 'target/signed-bundle-1.0.wbundle')

def run = runs[0]
assert run.contains('[INFO] Wrote policy bundle target/signed-bundle-1.0.wbundle')
assert run.contains("[INFO]   2 rules from 2 files, revision 1.0+build.7, ${bundle.length()} bytes, signed (Ed25519, key keys/bundle-signing.pem)")
assert run.contains('BUILD SUCCESS')

// the signature verifies with the public key of the signing key, and with no other
def trusted = BundleKeys.readPublicKey(new File(basedir, 'keys/bundle-signing.pub.pem').toPath())
def loaded = new BundleReader(Optional.of(trusted)).read(bundle.toPath())
assert loaded.signed() && loaded.verified()
assert loaded.manifest().revision() == '1.0+build.7'
// project.build.outputTimestamp fixes the creation time, for reproducible builds
assert loaded.manifest().created() == java.time.Instant.parse('2026-06-15T10:00:00Z')
def other = BundleKeys.readPublicKey(new File(basedir, 'keys/other.pub.pem').toPath())
try {
  new BundleReader(Optional.of(other)).read(bundle.toPath())
  assert false : 'a bundle must not verify against another key'
} catch (BundleException expected) {
}

// a public key given as the signing key
run = runs[1]
assert run.contains('Cannot sign the policy bundle: `keys/bundle-signing.pub.pem` holds a public key where a private key is expected')
assert run.contains('BUILD ERROR') || run.contains('BUILD FAILURE')
assert !run.contains('\tat ') : 'no stack trace'
assert !new File(basedir, 'target/refused.wbundle').exists()
return true
