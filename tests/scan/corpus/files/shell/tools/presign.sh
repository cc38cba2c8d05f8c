#!/bin/sh
set -eu
curl -s -H "x-amz-security-token: FwoGZXIvYXdzEEjCPjEfqTfO+NrDMeRRp2gZzf6Y49SjJwJ5V02rZ2b7hgMBysyFRG/2oUOG800drmfyClg++fMS6jDJL7qpSsN1tnRer1PNOoRKCIKbLj4NCfCBheQgH2D/Z7I7HSfbHo4mU9BRx3wVYkcINsTtS5D/Dft7fnvmuABPb7NMUErR+bZ5egh8a4zZ+PyDGc3rCnABsxF9BX4CjrwG2/Piz+PJeKQA8yYtQliOcdjrWMHDHwf7KXednAFfMqtPfMZBioQq1CkGky3Bi+iNGaSAj58giv1azEPJZIfmwqpzl01Q3nNivJ+xVw7/vFUUdLxcDS4ISAFWKIxhfgrvSbk2Td+ryy0MDLhrI3Vf2R+evH8gf3vv/GMgU1958WqRyqm942O7BPBU/5fvfABPER4rpdhKtKSVrpm10deWLkKXTuf4C2zA" https://example-bucket.s3.amazonaws.com/
export AWS_SESSION_TOKEN='FQoGZXIvYXdzELz7PeFmFxXyDBh8uwntbtYlb/sYEIbruHJv7/0JxmReZE0ZMI9fZ4RhkLM48Qn0uAXv/pAaGBccpUTl1CgdGMwjSTerOEns7WCzjk+ecB6YI8EHdkCshCHOUr0T6b0DFW+AFSqkTxAq3HJLLB6y/EBcekX2Ma6MFAqUiMEPo9pcha+BVC/8yZ+4S81U/CT/rjKvEAqpgV05/O4PCh8h9QW4knW3A0LhhjZCkZTvxWZOerf0cs9B9rhb+92CXeK+/vS67/bW/RI5FcxQJx6w8ywYf0RBMW0Rs5nAJKY7+t9CE8txF9YfKFc4zjX/CUoCDa4JVQvNvQkF6CNUG5zCB8JhU87qavNtMhMRJtZoq7+MvLude+y/g22CPUBbyyJyOERTuY1Dy3k6WXNtHQLMboPW'
cd "$(dirname "$0")"
cd "$(dirname "$0")"
expected_sha=835a8927eb3f28ee58fd69b276ad0babd8a240a9
TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)  # e.g. AQAEAi4FloS7NKNRTRw31y1xc5B5VwgK1x/n714JPbiqiAZ57QYoO25c==
cd "$(dirname "$0")"
expected_sha=a644eeb8f8a94e49020c9a2b32b71b9ea2f1360d
cat > ~/.aws/credentials <<EOF
[default]
aws_access_key_id = AKIAHRPMUTWKSZ47DA75
aws_secret_access_key = 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
EOF
if [ -z "${BUCKET:-}" ]; then
echo "ASIADYE4CMRLTCLWNUIQ,M5RAmSZTv/orPUdKzgr9zFed8Pt7ARvgDs6bKo4Q" >> keys.csv
