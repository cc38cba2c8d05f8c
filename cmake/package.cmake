# CPack: two Debian packages from one build (cpack -G DEB in the build directory).
#   awsprof      the executables, the man pages and the bash, zsh and fish completions: everything
#                installed without a COMPONENT. Depends come from dpkg-shlibdeps (dpkg-dev).
#   awsprof-dev  the static library libawsprof-config.a, its public headers, the CMake package and
#                awsprof.pc (COMPONENT development). Depends: the -dev packages of what it links.
set(CPACK_GENERATOR DEB)
# cpack (and `make install`) package and install what is built, without first building every target
# (unit tests included): the install tests run cpack on the tree they test. Build first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME awsprof)
set(CPACK_PACKAGE_VENDOR "The awsprof authors")
set(CPACK_PACKAGE_CONTACT "The awsprof authors <awsprof@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description below starts with its own synopsis line. CPackDeb prepends
# CPACK_PACKAGE_DESCRIPTION_SUMMARY unless it is CPack's default text, so it is set to exactly that.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_FILE_NAME ${CPACK_PACKAGE_NAME}-${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Unspecified development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

# The tools. The first line of a description is the package's synopsis.
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME awsprof)
set(CPACK_DEBIAN_UNSPECIFIED_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_UNSPECIFIED_DESCRIPTION
"Tools for the AWS shared config and credentials files
awsprof lists, reads and edits ~/.aws/config and ~/.aws/credentials without
disturbing a byte it does not have to, checks them against every AWS CLI v2
setting, lints their credential hygiene, tests each profile against STS, and
tells where the AWS CLI and the AWS SDKs would read the same file differently.
It reads the files exactly as the AWS CLI v2 does. Man pages and bash, zsh and
fish completions are included.")

# The library.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME awsprof-dev)
set(CPACK_DEBIAN_DEVELOPMENT_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
    "libssl-dev, libcurl4-openssl-dev | libcurl-dev, libexpat1-dev, libhyperscan-dev, libtomlplusplus-dev, nlohmann-json3-dev, pkg-config")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
"awsprof's C++ library for the AWS shared config files (development files)
libawsprof-config reads, checks and edits ~/.aws/config and ~/.aws/credentials
losslessly, as the AWS CLI v2 reads them. This package holds the static library,
its C++20 headers, a CMake package (find_package(awsprof) gives awsprof::config)
and a pkg-config file (awsprof.pc).")

include(CPack)
