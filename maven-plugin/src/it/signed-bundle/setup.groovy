// A fresh Ed25519 key pair for this run, as `openssl genpkey -algorithm ed25519` would make it:
// the private key as PKCS#8 PEM, the public key as X.509 PEM. No key is committed.
import java.security.KeyPairGenerator

def pem = { String label, byte[] der ->
  "-----BEGIN ${label}-----\n" + Base64.getMimeEncoder(64, '\n'.bytes).encodeToString(der) + "\n-----END ${label}-----\n"
}
def keys = new File(basedir, 'keys')
keys.mkdirs()
[[KeyPairGenerator.getInstance('Ed25519').generateKeyPair(), 'bundle-signing'],
 [KeyPairGenerator.getInstance('Ed25519').generateKeyPair(), 'other']].each { pair, name ->
  new File(keys, "${name}.pem").text = pem('PRIVATE KEY', pair.private.encoded)
  new File(keys, "${name}.pub.pem").text = pem('PUBLIC KEY', pair.public.encoded)
}
return true
