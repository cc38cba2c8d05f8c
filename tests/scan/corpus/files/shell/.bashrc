#!/bin/sh
set -eu
AWS_ACCESS_KEY_ID=AKIAWJS4MXRZZLVE53YB AWS_SECRET_ACCESS_KEY=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 aws s3 ls s3://backups
aws s3 sync dist/ "s3://$BUCKET/"
cat > ~/.aws/credentials <<EOF
[default]
aws_access_key_id = ABIAPIJTIOYOOGJRHTL5
aws_secret_access_key = lXnma3yCqNKOlhDuYUqCA8pc3riM2RTQFzbLNgzZ
EOF
export AWS_SECRET_ACCESS_KEY=$(vault kv get -field=secret aws/ci)
export AWS_ACCESS_KEY_ID=ASIAAAAAAAAAAAAAAAAA AWS_SECRET_ACCESS_KEY=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
cd "$(dirname "$0")"
TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)  # e.g. AQAEA8kWrM9q6NWV161O/gLLTpr40hHaJE0cg9aPI6uPot/6Z/+KKA4l==
s3cmd --access_key=AROA4H3H7EFBHET3CSXJ --secret_key=xtFi89/QqnSCUrL5JOqWV6CABsropufuK1cRw702 put dump.sql s3://backups/
echo "deploying $VERSION"
export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjEELz//////////PqcB07Er0DdX557ToS7MOGVeBwxFUFo5um3sMp4RMvuuOTZaX4RqAQuYt2HB42b1qF7F4f2n6VPj0EEFW/TXWmJY2z+hTMUBPBEICwiBZDjby6Hu/mD+akPFzGd6utRnEV3InpAJg7HykfPOFc6GthWjpC9mOjotds51tV5hJ0f33CcFdWOxQPEuRLQbBk7AnI3PuVR/sat5yvWszE59dyldqbUaXqCNbgY20d6bqizNqXhA/0xuVYyQLW+x/3DvghPa+ySzj2lPDMu12WFBiO/xXrp3H/IP2k0QLZVBYFdGHEtjKEVSirE89tYniB80+n287rbjI/VtE78t9YB9i8f87i1M6/Nj2/l2sMZ/0x6qkYeo79hrMahEbf2+HmNz88u2kFhSMHnv7RgmtnfFp3LrILYA7JiZ1Nd+qxwOtYL5dZKdZBUjqYhS/3nVaDCbpAsQUbeL7zexCuqOG/87D/ozlHtxTYd+zVyQ30Iq/fS8m9ioH+CRbg'
