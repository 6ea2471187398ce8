'use strict';
// Certificates for the TLS tests, made by the openssl CLI in a fresh temporary directory:
//   ca.pem/ca.key          a CA
//   server.pem/server.key  signed by it, for 127.0.0.1 and localhost (serverAuth)
//   client.pem/client.key  signed by it (clientAuth)
//   other.pem/other.key    self-signed and unrelated: a wrong CA, or a client the CA did not sign

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Makes the set; returns {dir, file(name) -> path, read(name) -> Buffer}. */
function makeTestCertificates(prefix = 'hubgate-tls-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = (name) => path.join(dir, name);
  const openssl = (args) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSigned = (name, cn) =>
    openssl(['req', '-x509', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`),
      '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  const signed = (name, cn, extensions) => {
    openssl(['req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`]);
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
      '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '1', '-extfile', file(`${name}.ext`)]);
  };
  selfSigned('ca', 'hubgate test CA');
  signed('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('client', 'backend', 'extendedKeyUsage=clientAuth\n');
  selfSigned('other', 'other');
  return { dir, file, read: (name) => fs.readFileSync(file(name)) };
}

module.exports = { makeTestCertificates };
